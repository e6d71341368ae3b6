#![no_main]
//! `cargo fuzz run tm7`: see rampart_fuzz::tm7 for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::tm7(data));
