#![no_main]
//! `cargo fuzz run http_banner`: see rampart_fuzz::http_banner for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::http_banner(data));
