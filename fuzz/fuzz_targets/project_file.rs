#![no_main]
//! `cargo fuzz run project_file`: see rampart_fuzz::project_file for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::project_file(data));
