#![no_main]
//! `cargo fuzz run tb7`: see rampart_fuzz::tb7 for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::tb7(data));
