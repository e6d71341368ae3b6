#![no_main]
//! `cargo fuzz run tls_server_hello`: see rampart_fuzz::tls_server_hello for what it parses.

libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_fuzz::tls_server_hello(data));
