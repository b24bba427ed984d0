//! Chinese full-text search: the tokenizer shared with the browser and the
//! static index (see docs/search-format.md).
//!
//! Owns: `tokenize` (the algorithm, mirrored in
//! `themes/default/static/js/search-core.js`) and `index` (building the files
//! under `search/`). Imports: `site`, `markdown`, `render::views`, `content`,
//! `dates`. Pure: never touches the disk.

pub mod index;
pub mod tokenize;

// Interim entry points (the split of `index` replaces them).
pub use index::{build, build_into};

/// The search index's memo between builds.
#[derive(Default)]
pub struct Cache {
    inner: index::IndexCache,
    started: bool,
}

/// Files new or changed since the previous update, and every path.
pub struct Update {
    pub files: crate::render::Files,
    pub paths: Vec<String>,
}

impl Cache {
    pub fn update(
        &mut self,
        site: &crate::site::Site,
        bodies: &[crate::markdown::Body],
        _text_hashes: &[u64],
    ) -> Update {
        let all = !self.started;
        self.started = true;
        let (files, paths) = index::build_cached(site, bodies, &mut self.inner, all);
        Update { files, paths }
    }

    pub fn clear(&mut self) {
        *self = Cache::default();
    }
}
