#![no_main]
//! `cargo fuzz run log_apache_error`: see rampart_fuzz::log_apache_error for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::log_apache_error(data));
