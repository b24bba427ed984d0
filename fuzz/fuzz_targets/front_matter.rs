#![no_main]
//! Fuzz target: see `anxuan::fuzzing::front_matter` for the invariants checked.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(msg) = anxuan::fuzzing::front_matter(data) {
        panic!("invariant broken: {msg}");
    }
});
