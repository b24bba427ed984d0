//! anxuan (安宣): a static-site generator for 安全生产“五进” publicity
//! campaigns.
//!
//! The pipeline runs one way: `content::discover` → `content::load` →
//! `site::assemble` → `markdown` → `render` → `search` → `check`, driven by
//! `pipeline` (stages in order, a memo around them), written by `output`
//! or served by `serve`. Modules import only lower layers (the order is
//! in tests/it/architecture.rs). `main.rs` only parses the command line
//! and calls `cmd::*`.

pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod crash;
pub mod dates;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod hash;
pub mod highlight;
pub mod html;
pub mod images;
pub mod import;
pub mod markdown;
pub mod output;
pub mod pii;
pub mod pipeline;
pub mod qr;
pub mod render;
pub mod search;
pub mod serve;
pub mod shell;
pub mod site;
pub mod sitefs;
pub mod theme;
pub mod weburl;
pub mod wording;
pub mod yaml;
