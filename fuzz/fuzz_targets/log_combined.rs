#![no_main]
//! `cargo fuzz run log_combined`: see rampart_fuzz::log_combined for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::log_combined(data));
