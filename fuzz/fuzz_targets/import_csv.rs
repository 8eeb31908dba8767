//! Fuzz target: reading and checking a translator's CSV (see `tolk_fuzz::import_csv`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk_fuzz::import_csv(data));
