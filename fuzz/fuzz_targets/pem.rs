#![no_main]
//! `cargo fuzz run pem`: see rampart_fuzz::pem for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::pem(data));
