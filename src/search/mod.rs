//! Chinese full-text search: the tokenizer shared with the browser and the
//! static index (see docs/search-format.md).
//!
//! Owns: `tokenize` (the algorithm, mirrored in
//! `themes/default/static/js/search-core.js`) and `index` (building the files
//! under `search/`). Imports: `site`, `markdown`, `render::views`, `content`,
//! `dates`. Pure: never touches the disk.

pub mod index;
pub mod tokenize;
