//! Graph JSON loading of any bytes (`props::check_graph`).
#![no_main]

#[path = "../../tests/props/mod.rs"]
mod props;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    props::check_graph(data);
});
