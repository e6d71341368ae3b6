#![no_main]
//! `cargo fuzz run tb7_filter`: see rampart_fuzz::tb7_filter for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::tb7_filter(data));
