#![no_main]
//! `cargo fuzz run log_json`: see rampart_fuzz::log_json for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::log_json(data));
