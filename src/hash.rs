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
//! - [`Key`]: the keys of the pipeline's memo (`anxuan serve`): SipHash
//!   over the inputs a stage read, so that two different inputs giving
//!   the same key is as unlikely as for any 64-bit hash of good quality
//!   (Fx is fast but weak on structured data).

use std::hash::Hasher;

pub type FxMap<K, V> = rustc_hash::FxHashMap<K, V>;

pub type FxSet<K> = rustc_hash::FxHashSet<K>;

/// Builds a memo key from the values fed to it, in order.
#[derive(Clone, Default)]
pub struct Key(std::hash::DefaultHasher);

impl Key {
    pub fn new() -> Key {
        Key::default()
    }

    /// Feeds one value (anything `Hash`).
    pub fn add(&mut self, v: &(impl std::hash::Hash + ?Sized)) -> &mut Key {
        v.hash(&mut self.0);
        self
    }

    /// Feeds a value by its JSON form (for views without `Hash`).
    pub fn add_serialized(&mut self, v: &impl serde::Serialize) -> &mut Key {
        // Writing into a hasher cannot fail; a value that cannot be
        // serialized feeds a marker instead.
        if serde_json::to_writer(&mut *self, v).is_err() {
            self.add("\0unserializable");
        }
        self.0.write_u8(0xff);
        self
    }

    pub fn finish(&self) -> u64 {
        self.0.finish()
    }
}

impl std::io::Write for Key {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The key of one value.
pub fn key_of(v: &(impl std::hash::Hash + ?Sized)) -> u64 {
    Key::new().add(v).finish()
}

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

    #[test]
    fn keys_follow_every_value_and_its_order() {
        let k = |a: &str, b: &str| Key::new().add(a).add(b).finish();
        assert_eq!(k("a", "b"), k("a", "b"));
        assert_ne!(k("a", "b"), k("b", "a"));
        assert_ne!(k("ab", ""), k("a", "b"), "values are delimited");
        let s = |v: &serde_json::Value| Key::new().add_serialized(v).finish();
        assert_ne!(
            s(&serde_json::json!({"t": "x"})),
            s(&serde_json::json!({"t": "y"}))
        );
    }
}
