#![no_main]
//! Fuzz target: see `anxuan::fuzzing::tokenizer` for the invariants checked.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(msg) = anxuan::fuzzing::tokenizer(&String::from_utf8_lossy(data)).map(|_| ()) {
        panic!("invariant broken: {msg}");
    }
});
