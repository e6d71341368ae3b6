#![no_main]
//! `cargo fuzz run probe_csv`: see rampart_fuzz::probe_csv for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::probe_csv(data));
