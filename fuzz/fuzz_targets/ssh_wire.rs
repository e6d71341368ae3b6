#![no_main]
//! `cargo fuzz run ssh_wire`: see rampart_fuzz::ssh_wire for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::ssh_wire(data));
