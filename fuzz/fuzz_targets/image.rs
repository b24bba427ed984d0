#![no_main]
//! Fuzz target: see `anxuan::fuzzing::image` for the invariants checked.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(msg) = anxuan::fuzzing::image(data) {
        panic!("invariant broken: {msg}");
    }
});
