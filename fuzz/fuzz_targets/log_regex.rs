#![no_main]
//! `cargo fuzz run log_regex`: see rampart_fuzz::log_regex for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::log_regex(data));
