//! `anxuan serve`: turn the arguments into [`ServeOptions`] and run the
//! server (see `serve`).

use std::path::Path;

use super::build_options;
use crate::cli::ServeArgs;
use crate::dates;
use crate::error::{Error, Result};
use crate::serve::{self, ServeOptions};
use crate::shell::Shell;

pub fn run(shell: &Shell, root: &Path, args: &ServeArgs) -> Result<()> {
    let mut build = build_options(&args.site);
    build.render.live_reload = true;
    // Read the clock once: every rebuild of this session sees the same
    // `now`, so a rebuild changes only what the edit changed (restart the
    // server to move scheduled content along).
    if build.now.is_none() {
        build.now = Some(dates::wall_clock().to_string());
    }
    let allowed_hosts = args
        .allowed_hosts
        .iter()
        .map(|name| serve::host::parse_allowed(name).map_err(Error::Usage))
        .collect::<Result<Vec<_>>>()?;
    serve::run(
        shell,
        ServeOptions {
            root: root.to_path_buf(),
            bind: args.bind,
            port: args.port,
            build,
            poll: args.poll,
            open: args.open,
            allowed_hosts,
        },
    )
}
