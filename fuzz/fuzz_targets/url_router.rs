#![no_main]
//! Fuzz target: see `anxuan::fuzzing::url_router` for the invariants checked.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(msg) = anxuan::fuzzing::url_router(&String::from_utf8_lossy(data)) {
        panic!("invariant broken: {msg}");
    }
});
