//! Fuzz target: segmenting any text is lossless (see `tolk_fuzz::segment`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk_fuzz::segment(data));
