//! Fuzz target: merging any entries into a memory leaves one that loads (see `tolk_fuzz::merge`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk_fuzz::merge(data));
