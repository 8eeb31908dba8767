//! Fuzz target: reading any bytes in every document format (see `tolk_fuzz::document`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk_fuzz::document(data));
