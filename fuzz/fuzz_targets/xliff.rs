//! Fuzz target: reading and checking an XLIFF batch (see `tolk_fuzz::xliff`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk_fuzz::xliff(data));
