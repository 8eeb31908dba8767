//! Fuzz target: reading TMX, and its write-read round trip (see `tolk_fuzz::tmx`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk_fuzz::tmx(data));
