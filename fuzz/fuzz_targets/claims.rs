//! The claims JSON Lines reader, line by line, then a merge (`props::check_claims`).
#![no_main]

#[path = "../../tests/props/mod.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        props::check_claims(text);
    }
});
