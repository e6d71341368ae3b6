#![no_main]
//! `cargo fuzz run log_sshd`: see rampart_fuzz::log_sshd for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::log_sshd(data));
