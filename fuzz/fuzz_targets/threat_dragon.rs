#![no_main]
//! `cargo fuzz run threat_dragon`: see rampart_fuzz::threat_dragon for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::threat_dragon(data));
