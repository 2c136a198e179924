//! See `crossfoot::fuzz::check`: what must hold for any input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| crossfoot::fuzz::check(data));
