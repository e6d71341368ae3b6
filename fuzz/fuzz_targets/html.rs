#![no_main]
//! `cargo fuzz run html`: see rampart_fuzz::html for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::html(data));
