//! The id index: entity id → node, built for lookups by the million.
//!
//! An open-addressing table (linear probing, never more than half full) whose slots hold
//! the id inline (`CompactString`: up to 24 bytes without a heap pointer) beside its node. A
//! hit touches one slot and nothing else. And since where an id's search starts follows from
//! its hash alone, a caller resolving many ids can hash a batch, ask the CPU for the batch's
//! slots ([`IdIndex::prefetch`]), and find them in cache when it looks them up: loading a
//! large graph resolves two ids per edge, and otherwise spends that time waiting on memory,
//! one miss after another.

use crate::hash::FxHasher;
use compact_str::CompactString;
use petgraph::stable_graph::NodeIndex;
use std::hash::{Hash, Hasher};

/// Entity id → node.
#[derive(Clone, Default)]
pub(crate) struct IdIndex {
    /// Empty, or a power of two many slots, at least half of them free.
    slots: Vec<Option<Slot>>,
    len: usize,
}

#[derive(Debug, Clone)]
struct Slot {
    id: CompactString,
    node: NodeIndex,
}

impl std::fmt::Debug for IdIndex {
    /// The filed ids and their nodes, as a map (not the empty slots).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let filed = self.slots.iter().flatten();
        f.debug_map()
            .entries(filed.map(|slot| (&slot.id, slot.node)))
            .finish()
    }
}

/// The hash an id is filed under (give it to [`IdIndex::prefetch`] and
/// [`IdIndex::get_hashed`]).
#[inline]
pub(crate) fn hash(id: &str) -> u64 {
    let mut h = FxHasher::default();
    id.hash(&mut h);
    h.finish()
}

impl IdIndex {
    /// An index with room for `n` ids before it grows.
    pub(crate) fn with_capacity(n: usize) -> Self {
        IdIndex {
            slots: vec![None; Self::slots_for(n)],
            len: 0,
        }
    }

    fn slots_for(n: usize) -> usize {
        if n == 0 {
            0
        } else {
            n.saturating_mul(2).next_power_of_two().max(8)
        }
    }

    /// The node filed under `id`.
    #[inline]
    pub(crate) fn get(&self, id: &str) -> Option<NodeIndex> {
        self.get_hashed(id, hash(id))
    }

    /// The node filed under `id`, whose [`hash`] is `hash`.
    #[inline]
    pub(crate) fn get_hashed(&self, id: &str, hash: u64) -> Option<NodeIndex> {
        if self.slots.is_empty() {
            return None;
        }
        self.probe(id, hash).ok()
    }

    /// Where `id` is: its node, or the free slot where it would go. The table must not be
    /// empty; the search ends because at least half of the slots are free.
    #[inline]
    fn probe(&self, id: &str, hash: u64) -> Result<NodeIndex, usize> {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            match &self.slots[i] {
                None => return Err(i),
                Some(slot) if slot.id == id => return Ok(slot.node),
                Some(_) => i = (i + 1) & mask,
            }
        }
    }

    /// Asks the CPU to bring the slot where the search for an id of this `hash` starts into
    /// cache. A hint: it changes nothing and never fails.
    #[inline]
    pub(crate) fn prefetch(&self, hash: u64) {
        let mask = self.slots.len().wrapping_sub(1);
        if let Some(slot) = self.slots.get(hash as usize & mask) {
            prefetch(std::ptr::from_ref(slot).cast());
        }
    }

    /// The node filed under `id`, and `true`; or, when `id` is new, files the node that
    /// `new` returns under it and returns that node and `false`.
    ///
    /// `id` is taken as text or as a `CompactString`, which is then filed without a copy.
    pub(crate) fn get_or_insert_with<K>(
        &mut self,
        id: K,
        new: impl FnOnce() -> NodeIndex,
    ) -> (NodeIndex, bool)
    where
        K: AsRef<str> + Into<CompactString>,
    {
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        match self.probe(id.as_ref(), hash(id.as_ref())) {
            Ok(node) => (node, true),
            Err(free) => {
                let node = new();
                self.slots[free] = Some(Slot {
                    id: id.into(),
                    node,
                });
                self.len += 1;
                (node, false)
            }
        }
    }

    fn grow(&mut self) {
        let size = Self::slots_for(self.len + 1).max(self.slots.len() * 2);
        let old = std::mem::replace(&mut self.slots, vec![None; size]);
        for slot in old.into_iter().flatten() {
            let Err(free) = self.probe(&slot.id, hash(&slot.id)) else {
                unreachable!("ids are filed once");
            };
            self.slots[free] = Some(slot);
        }
    }
}

/// Asks the CPU to bring the cache line at `p` closer; a hint that never faults, whatever
/// the address.
#[inline(always)]
pub(crate) fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: prefetching reads nothing into the program and cannot fault, for any
        // address (Intel SDM, PREFETCHh: "a prefetch ... does not cause an exception").
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn a_slot_is_half_a_cache_line() {
        assert_eq!(std::mem::size_of::<Option<Slot>>(), 32);
    }

    #[test]
    fn empty_index_finds_nothing() {
        let index = IdIndex::default();
        assert_eq!(index.get("x"), None);
        index.prefetch(hash("x"));
        assert_eq!(format!("{index:?}"), "{}");
    }

    #[test]
    fn long_and_non_ascii_ids_are_found() {
        let mut index = IdIndex::default();
        let long = "organization/a-name-much-longer-than-twenty-four-bytes";
        for (i, id) in [long, "上海協力機構", "", "x"].into_iter().enumerate() {
            assert_eq!(
                index.get_or_insert_with(id, || NodeIndex::new(i)),
                (NodeIndex::new(i), false)
            );
        }
        assert_eq!(index.get(long), Some(NodeIndex::new(0)));
        assert_eq!(index.get("上海協力機構"), Some(NodeIndex::new(1)));
        assert_eq!(index.get(""), Some(NodeIndex::new(2)));
        assert_eq!(index.get("organization/a-name"), None);
        assert_eq!(format!("{index:?}").matches("NodeIndex").count(), 4);
    }

    proptest! {
        /// The index answers as a `HashMap` does, through growth from empty and from a
        /// size hint, for ids that share long prefixes (as generated ids do).
        #[test]
        fn agrees_with_a_hash_map(
            ids in proptest::collection::vec("(person/)?[a-c]{0,3}[0-9]{0,3}", 0..300),
            probes in proptest::collection::vec("(person/)?[a-c]{0,3}[0-9]{0,3}", 0..50),
            hint in 0usize..100,
        ) {
            let mut index = IdIndex::with_capacity(hint);
            let mut model = HashMap::new();
            for (i, id) in ids.iter().enumerate() {
                let next = NodeIndex::new(model.len());
                let (node, had) = index.get_or_insert_with(id, || next);
                let expected = *model.entry(id.clone()).or_insert(next);
                prop_assert_eq!(node, expected, "id {} at {}", id, i);
                prop_assert_eq!(had, node != next);
            }
            prop_assert_eq!(index.len, model.len());
            for id in ids.iter().chain(&probes) {
                prop_assert_eq!(index.get(id), model.get(id).copied());
                prop_assert_eq!(index.get_hashed(id, hash(id)), model.get(id).copied());
            }
        }
    }
}
