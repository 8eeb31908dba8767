//! Fuzz target: reading a memory CSV, and its write-read round trip (see `tolk_fuzz::memory_csv`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk_fuzz::memory_csv(data));
