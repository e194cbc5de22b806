//! Lexicon files, JSON when the text starts with `{` (as `Lexicon::add_file` decides),
//! TOML otherwise (`props::check_lexicon`).
#![no_main]

#[path = "../../tests/props/mod.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        props::check_lexicon(text, text.trim_start().starts_with('{'));
    }
});
