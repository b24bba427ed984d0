//! Chinese full-text search: the tokenizer shared with the browser and the
//! static index (see docs/search-format.md).
//!
//! Owns: `tokenize` (the algorithm, mirrored in
//! `themes/default/static/js/search-core.js`), `format` (constants and
//! primitives of the files), `doc` (documents and body chunks), `stats`
//! (token statistics), `score` (BM25F), `encode` (the files), `cache` (what
//! `anxuan serve` keeps) and `build` (one pass over the site).
//! Imports: `site`, `markdown`, `render::views`, `content`, `dates`. Pure:
//! never touches the disk.

mod build;
mod cache;
mod doc;
mod encode;
pub mod format;
mod score;
mod stats;
pub mod tokenize;

pub use build::{build, build_into};
pub use cache::{Cache, Update};
pub use doc::chunk_cuts;
pub use format::fnv1a32;
