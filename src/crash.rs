//! Panics are bugs: when one happens anywhere (the main thread, a rayon
//! worker, a server thread), anxuan prints what it was working on and how
//! to report it, and exits with status 101. Nothing half-written is left:
//! unwinding drops the output stage, which removes its staging folder, and
//! the previous output is never touched before the final swap.
//!
//! Owns: the panic hook and the per-thread "file being processed" note.
//! Imports nothing from the crate.

use std::cell::RefCell;
use std::io::Write;

thread_local! {
    static CURRENT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Notes the file this thread works on until the guard is dropped.
pub struct Working(Option<String>);

/// Marks `file` (a path relative to the site) as the one being processed
/// by this thread, for the crash message.
pub fn working_on(file: &str) -> Working {
    let prev = CURRENT.with(|c| c.borrow_mut().replace(file.to_owned()));
    Working(prev)
}

impl Drop for Working {
    fn drop(&mut self) {
        let prev = self.0.take();
        CURRENT.with(|c| *c.borrow_mut() = prev);
    }
}

/// Installs the hook. Panics on the main thread and in rayon workers
/// unwind to `main`, which exits with 101 after the output stage was
/// dropped; on any other thread (the preview server's) the process exits
/// with 101 at once.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let file = CURRENT.with(|c| c.borrow().clone());
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "error: internal error (a bug in anxuan {}): {what}{at}",
            env!("CARGO_PKG_VERSION")
        );
        if let Some(f) = &file {
            let _ = writeln!(err, "  while processing: {f}");
        }
        let _ = writeln!(
            err,
            "  help: 这是 anxuan 的缺陷，不是您的错误。请把这段信息{}报告给开发者；输出目录没有被修改。",
            if file.is_some() {
                "和上面提到的文件一起"
            } else {
                ""
            }
        );
        let _ = writeln!(
            err,
            "  help: please report this with the file named above; the output folder was left unchanged"
        );
        let main = std::thread::current().name() == Some("main");
        if !main && rayon::current_thread_index().is_none() {
            std::process::exit(101);
        }
    }));
}

/// For the crash-handling test only (debug builds): panics when the file
/// being loaded ends with `ANXUAN_DEBUG_PANIC_ON`.
#[cfg(debug_assertions)]
#[allow(clippy::panic)]
pub fn debug_panic_point(file: &str) {
    if let Some(v) = std::env::var_os("ANXUAN_DEBUG_PANIC_ON")
        && file.ends_with(&*v.to_string_lossy())
    {
        panic!("ANXUAN_DEBUG_PANIC_ON: simulated bug while loading {file}");
    }
}

/// Does nothing in release builds.
#[cfg(not(debug_assertions))]
pub fn debug_panic_point(_file: &str) {}
