#![no_main]
//! `cargo fuzz run log_w3c`: see rampart_fuzz::log_w3c for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::log_w3c(data));
