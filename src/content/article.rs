//! Articles: news of the campaign's work (工作动态).
//!
//! Imports: `config`, `dates`, `yaml` (through the parent module's helpers).

use crate::config::Config;
use crate::dates::When;
use crate::yaml::Fields;

/// Keys an article accepts besides the common ones.
pub const KEYS: &[&str] = &["date"];

/// Reads the article-only fields; returns the publication date.
pub fn read(f: &mut Fields<'_>, cfg: &Config) -> Option<When> {
    super::required_when(f, "date", cfg, "2025-06-16")
}
