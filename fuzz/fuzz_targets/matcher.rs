//! The phrase matcher: the built-in gazetteer over any text, and a phrase set of any
//! phrases (`props::check_matcher`, `props::check_phrases`).
#![no_main]

#[path = "../../tests/props/mod.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        props::check_matcher(text);
        props::check_phrases(text);
    }
});
