//! The preview's tools for editors, which the published site never
//! carries: the script of the 复制到公众号 button.
//!
//! Owns: `/__anxuan/wechat-copy.js`. Imports nothing from the crate.
//!
//! Invariants: the script is a file (no inline script under a strict
//! CSP) and is linked only by pages rendered for `anxuan serve`.

/// The 复制到公众号 button's script (`serve/wechat-copy.js`).
pub const WECHAT_COPY: &str = include_str!("wechat-copy.js");

/// Where pages find it, below the base path.
pub const WECHAT_COPY_PATH: &str = "__anxuan/wechat-copy.js";
