//! See `crossfoot::fuzz::manifest`: what must hold for any input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| crossfoot::fuzz::manifest(data));
