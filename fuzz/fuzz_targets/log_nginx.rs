#![no_main]
//! `cargo fuzz run log_nginx`: see rampart_fuzz::log_nginx for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::log_nginx(data));
