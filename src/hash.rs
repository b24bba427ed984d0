//! Non-cryptographic hashing, in one place.
//!
//! Owns: the only use of `rustc-hash` and `fnv`. A leaf: imports nothing
//! from the crate.
//!
//! - [`FxMap`] / [`FxSet`]: the fast maps of the build (the search index's
//!   token maps, the pipeline's per-file caches, the output checks). Keys
//!   are data from the site itself: no untrusted peer chooses colliding
//!   keys to slow down someone else's build. Nothing may depend on their
//!   iteration order (output is sorted wherever order shows).
//! - [`fnv64`]: 64-bit FNV-1a of bytes, stable across versions and
//!   machines, for content-hashed file names and the preview's ETags.
//!   (The search index's 32-bit bucket hash is part of its format and is
//!   written out in `search`, beside its JavaScript twin.)

use std::hash::Hasher;

pub type FxMap<K, V> = rustc_hash::FxHashMap<K, V>;

pub type FxSet<K> = rustc_hash::FxHashSet<K>;

/// 64-bit FNV-1a of `bytes`.
pub fn fnv64(bytes: &[u8]) -> u64 {
    let mut h = fnv::FnvHasher::default();
    h.write(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv64_known_values() {
        // The FNV-1a test vectors.
        assert_eq!(fnv64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv64(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
