//! `anxuan completion <shell>`: the shell completion script on stdout
//! (machine output, like `check --format json`); the script itself is made
//! by `cli` from the clap types, so it always matches the command line.

use std::io::Write;

use crate::cli::{CompletionArgs, completion_script};
use crate::error::{Error, Result};

pub fn run(args: &CompletionArgs) -> Result<()> {
    let script = completion_script(args.shell);
    let mut out = std::io::stdout().lock();
    match out.write_all(&script).and_then(|()| out.flush()) {
        // `anxuan completion bash | head`: the reader has all it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        res => res.map_err(|e| Error::io("<stdout>", e)),
    }
}
