//! Rules files over the built-in rules, then extraction with them (`props::check_rules`).
#![no_main]

#[path = "../../tests/props/mod.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        props::check_rules(text);
    }
});
