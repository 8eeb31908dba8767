//! Fuzz target: the index finds exactly what the exhaustive scan finds (see `tolk_fuzz::search`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk_fuzz::search(data));
