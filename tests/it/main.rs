//! Integration tests of anxuan: one binary, one module per feature.
//! Fixture sites live under `tests/fixtures/<case>/`; small sites are also
//! written on the fly by [`support::TestSite`].

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    clippy::print_stdout
)]

mod a11y;
mod architecture;
mod build;
mod check;
mod cli;
mod columns;
mod crash;
mod deploy;
mod drills;
mod edits;
mod errors;
mod feeds;
mod fuzz_replay;
mod hostile;
mod ics;
mod images;
mod import;
mod inspection;
mod metadata;
mod phone;
mod print;
mod publishing;
mod qr;
mod read_aloud;
mod search;
mod serve;
mod sitemap;
mod snapshots;
mod static_server;
mod support;
mod symlinks;
mod wechat;
