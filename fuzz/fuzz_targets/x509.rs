#![no_main]
//! `cargo fuzz run x509`: see rampart_fuzz::x509 for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::x509(data));
