//! The fast non-cryptographic hash maps of the build (the search index's
//! token maps, the pipeline's per-file caches, the output checks): the
//! rustc "Fx" hash of the `rustc-hash` crate, its only user. Keys are data
//! from the site itself: no untrusted peer chooses colliding keys to slow
//! down someone else's build. Nothing may depend on their iteration order
//! (output is sorted wherever order shows). Imports nothing from the crate.

pub type FxMap<K, V> = rustc_hash::FxHashMap<K, V>;

pub type FxSet<K> = rustc_hash::FxHashSet<K>;
