//! `anxuan serve`: build, serve over HTTP, rebuild on change and tell the
//! browsers.
//!
//! Owns: the server's state (the current [`Snapshot`], swapped whole per
//! rebuild), the rebuild loop, the HTTP runtime's start, and the console
//! lines it prints. Submodules: `store` (where the served files' bytes
//! are), `changes` (what a rebuild changed in the served files), `watch`
//! (notify and the debouncer), `http` (the pure handler and the sockets on
//! hyper), `livereload` (the script and the hub of browsers), `host` (the
//! Host and Origin rules),
//! `limits` (descriptors, connection and stream caps), `announce` (the
//! machine's addresses, LAN URLs, the QR code, opening a browser).
//! Imports: `pipeline`, `content` (types), `error`, `shell`.
//!
//! Invariants: a failed rebuild never replaces the files being served (the
//! last good build stays up, the errors go to the console and the overlay);
//! every snapshot holds exactly the files `anxuan build` writes for the
//! same tree and options, plus the live-reload script tag (checked by
//! tests/it/edits.rs through seeded editing sessions); a snapshot once
//! made never changes.

pub mod announce;
mod changes;
pub mod editor;
pub mod host;
pub mod http;
pub mod limits;
pub mod livereload;
pub mod store;
pub mod watch;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::content::Asset;
use crate::error::{Diagnostic, Error, Result};
use crate::pipeline::{self, BuildOptions, Memo, Stats, Update};
use crate::shell::Shell;

pub use changes::{Changes, css_only, diff};
use host::HostPolicy;
pub use http::Snapshot;
use limits::Limits;
pub use limits::raise_fd_limit;
use livereload::{Event, Hub};
use store::{Intake, Served, Spool};

/// What `anxuan serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub build: BuildOptions,
    pub poll: bool,
    pub open: bool,
    /// Extra names to answer (`--allowed-host`), parsed by
    /// [`host::parse_allowed`].
    pub allowed_hosts: Vec<crate::weburl::Host>,
}

fn copies_of(copies: Vec<Asset>) -> Arc<HashMap<String, PathBuf>> {
    Arc::new(copies.into_iter().map(|a| (a.out, a.abs)).collect())
}

/// The first snapshot of a server: the files of a first build, or nothing
/// and the errors.
fn first_snapshot(
    rb: &mut Rebuilder,
    base_path: String,
) -> (Snapshot, Vec<Diagnostic>, Option<Stats>) {
    let empty = Served::default();
    let spool = rb.spool.clone();
    let sink = Intake::new(spool.as_ref(), &empty);
    match rb.build(&sink) {
        Ok(u) => {
            let files = Arc::new(changes::apply(&empty, sink.into_made(), &[]));
            let snap = Snapshot {
                files,
                copies: copies_of(u.copies),
                errors: Vec::new(),
                base_path,
                version: 1,
            };
            (snap, u.diags, Some(u.stats))
        }
        Err(diags) => {
            let snap = Snapshot {
                errors: diags.iter().filter(|d| d.is_error()).cloned().collect(),
                base_path,
                ..Snapshot::default()
            };
            (snap, diags, None)
        }
    }
}

/// The base path of the site, read from `site.yaml` (`/` when unreadable).
fn base_path(root: &Path, opts: &BuildOptions) -> String {
    let Ok(mut cfg) = pipeline::load_config(root) else {
        return "/".to_owned();
    };
    if let Some(url) = &opts.base_url
        && cfg.override_base_url(url).is_err()
    {
        return "/".to_owned();
    }
    cfg.base_path
}

/// The state shared by the HTTP threads and the rebuild loop.
pub struct Server {
    current: RwLock<Arc<Snapshot>>,
    pub hub: Hub,
    /// The `Host` values answered.
    pub host: HostPolicy,
    /// Connections and streams held at once.
    pub limits: Limits,
}

impl Server {
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.current.read() {
            Ok(g) => Arc::clone(&g),
            Err(e) => Arc::clone(&e.into_inner()),
        }
    }

    fn replace(&self, snap: Snapshot) {
        let snap = Arc::new(snap);
        match self.current.write() {
            Ok(mut g) => *g = snap,
            Err(e) => *e.into_inner() = snap,
        }
    }
}

/// Builds and rebuilds the site, keeping the pipeline's caches.
pub struct Rebuilder {
    pub root: PathBuf,
    pub opts: BuildOptions,
    memo: Memo,
    /// Where rendered files are kept (`None`: no temporary file could be
    /// made; they are kept in memory).
    spool: Option<Arc<Spool>>,
    /// The warnings of the last successful build, already shown.
    shown: Vec<Diagnostic>,
}

impl Rebuilder {
    pub fn new(root: PathBuf, opts: BuildOptions) -> Rebuilder {
        Rebuilder {
            root,
            opts,
            memo: Memo::new(),
            spool: Spool::new().ok(),
            shown: Vec::new(),
        }
    }

    /// The warnings of a successful build that the last one did not have
    /// (an editor sees what a save brought, not every warning again).
    fn new_warnings(&mut self, diags: &[Diagnostic]) -> Vec<Diagnostic> {
        let shown: crate::hash::FxSet<&Diagnostic> = self.shown.iter().collect();
        let fresh = diags
            .iter()
            .filter(|d| !shown.contains(d))
            .cloned()
            .collect();
        self.shown = diags.to_vec();
        fresh
    }

    /// Builds into `sink` (see [`store::Intake`]).
    pub fn build(&mut self, sink: &Intake<'_>) -> std::result::Result<Update, Vec<Diagnostic>> {
        pipeline::rebuild_into(&self.root, &self.opts, &mut self.memo, sink)
    }

    /// [`build`](Self::build) after the watcher saw `changed` (site-relative
    /// paths; empty: unknown, everything is checked).
    pub fn build_changed(
        &mut self,
        changed: &[String],
        sink: &Intake<'_>,
    ) -> std::result::Result<Update, Vec<Diagnostic>> {
        self.memo.note_changed(changed);
        self.build(sink)
    }

    /// True when rendered files are kept in memory, not in a temporary file.
    pub fn in_memory(&self) -> bool {
        self.spool.is_none()
    }
}

/// The outcome of one rebuild, for the console and the browsers.
#[derive(Debug)]
pub enum Outcome {
    Built {
        changes: Changes,
        css_only: bool,
        /// The pipeline's stage timings, then `diff`.
        timings: Vec<(&'static str, Duration)>,
        /// Warnings the previous build did not have.
        warnings: Vec<Diagnostic>,
        /// How many files the build rendered again.
        rendered: usize,
    },
    Failed(Vec<Diagnostic>),
}

/// Rebuilds, serves the new files on success, and tells the browsers.
pub fn rebuild(server: &Server, rb: &mut Rebuilder, sources: &[String]) -> Outcome {
    let old = server.snapshot();
    let spool = rb.spool.clone();
    let sink = Intake::new(spool.as_ref(), &old.files);
    match rb.build_changed(sources, &sink) {
        Ok(mut update) => {
            let made = sink.into_made();
            let warnings = rb.new_warnings(&update.diags);
            let mut timings = std::mem::take(&mut update.timings);
            let diff_started = Instant::now();
            let copies = copies_of(std::mem::take(&mut update.copies));
            let changes = diff(
                &old.files,
                &made,
                &update.remove,
                (&old.copies, &copies),
                sources,
            );
            let css = css_only(&changes, sources);
            let had_errors = !old.errors.is_empty();
            let nothing = changes.paths.is_empty();
            let mut files = if nothing {
                Arc::clone(&old.files)
            } else {
                Arc::new(changes::apply(&old.files, made, &update.remove))
            };
            if let Some(s) = &spool
                && let Some((moved, fresh)) = store::compacted(&files, s)
            {
                files = Arc::new(moved);
                rb.spool = Some(fresh);
            }
            timings.push(("diff+apply", diff_started.elapsed()));
            // Keep the version when nothing a browser shows changed.
            let version = if nothing {
                old.version
            } else {
                old.version + 1
            };
            server.replace(Snapshot {
                files,
                copies,
                errors: Vec::new(),
                base_path: base_path(&rb.root, &rb.opts),
                version,
            });
            if !nothing {
                server.hub.broadcast(&Event::Reload {
                    version,
                    css_only: css,
                });
            } else if had_errors {
                server.hub.broadcast(&Event::Clear);
            }
            Outcome::Built {
                changes,
                css_only: css,
                timings,
                warnings,
                rendered: update.rendered,
            }
        }
        Err(diags) => {
            let problems = livereload::problems(&diags);
            server.replace(Snapshot {
                files: Arc::clone(&old.files),
                copies: Arc::clone(&old.copies),
                errors: diags.iter().filter(|d| d.is_error()).cloned().collect(),
                base_path: old.base_path.clone(),
                version: old.version,
            });
            server.hub.broadcast(&Event::Errors(problems));
            Outcome::Failed(diags)
        }
    }
}

fn server_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{:x}-{:x}", std::process::id(), nanos)
}

/// Binds the listening socket, with a clear message when the port is taken.
pub fn bind(addr: IpAddr, port: u16) -> Result<TcpListener> {
    TcpListener::bind(SocketAddr::new(addr, port)).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => Error::Usage(format!(
            "port {port} on {addr} is already in use (is another `anxuan serve` running?); choose another port with `--port`, e.g. `--port {}`",
            port.wrapping_add(1).max(1024)
        )),
        std::io::ErrorKind::PermissionDenied => Error::Usage(format!(
            "not allowed to listen on {addr}:{port}; ports below 1024 need special rights: choose another with `--port`"
        )),
        _ => Error::Usage(format!("cannot listen on {addr}:{port}: {e}")),
    })
}

fn url_host(ip: IpAddr) -> String {
    match ip {
        IpAddr::V6(v6) => format!("[{v6}]"),
        IpAddr::V4(v4) => v4.to_string(),
    }
}

fn report_outcome(shell: &Shell, outcome: &Outcome, elapsed: Duration) {
    match outcome {
        Outcome::Built {
            changes,
            css_only,
            timings,
            warnings,
            ..
        } => {
            shell.diagnostics(warnings);
            shell.verbose(
                "Timings",
                &timings
                    .iter()
                    .map(|(name, d)| format!("{name} {} ms", d.as_millis()))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            let css = if *css_only { " (stylesheet only)" } else { "" };
            shell.status(
                "Rebuilt",
                &format!("in {} ms: {}{css}", elapsed.as_millis(), changes.summary()),
            );
        }
        Outcome::Failed(diags) => {
            shell.diagnostics(diags);
            let n = diags.iter().filter(|d| d.is_error()).count();
            shell.error(&format!(
                "rebuild failed after {} ms: {n} error(s); still serving the last good build (问题已显示在浏览器页面上，改正保存后自动刷新)",
                elapsed.as_millis()
            ));
        }
    }
}

/// Runs the server until the process is stopped.
pub fn run(shell: &Shell, opts: ServeOptions) -> Result<()> {
    // Each held event stream costs a descriptor: take what the system
    // allows, and size the caps to it.
    let nofile = raise_fd_limit();
    let limits = Limits::for_descriptors(nofile);
    let listener = bind(opts.bind, opts.port)?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::Other(format!("cannot read the listening address: {e}")))?;

    shell.status("Building", &format!("site in {}", opts.root.display()));
    let started = Instant::now();
    // Changed files arrive here from the watcher, and photos whose sizes
    // were made in the background (a rebuild then shows the sizes).
    let (tx, rx) = mpsc::channel();
    let mut build_opts = opts.build.clone();
    let made = Mutex::new(tx.clone());
    build_opts.background_images = Some(crate::pipeline::Background::new(move |rel| {
        if let Ok(tx) = made.lock() {
            let _ = tx.send(vec![rel]);
        }
    }));
    let mut rb = Rebuilder::new(opts.root.clone(), build_opts);
    let base = base_path(&opts.root, &opts.build);
    let (first, diags, stats) = first_snapshot(&mut rb, base.clone());
    if rb.in_memory() {
        shell.warn("no temporary file could be made: the preview keeps the site in memory");
    }
    shell.diagnostics(&diags);
    if stats.is_some() {
        rb.new_warnings(&diags);
    }
    match stats {
        Some(s) => shell.status(
            "Built",
            &format!(
                "{} pages in {} ms",
                s.total(),
                started.elapsed().as_millis()
            ),
        ),
        None => {
            shell.error("the site has errors; serving them to the browser until they are fixed")
        }
    }
    let first_errors = first.errors.clone();
    let hub = Hub::new(
        server_id(),
        first.version,
        livereload::problems(&first_errors),
        limits.streams,
    );
    let own = if local.ip().is_loopback() {
        Vec::new()
    } else {
        announce::own_addresses()
    };
    let policy = HostPolicy::new(local.ip(), &own, opts.allowed_hosts.clone());
    shell.verbose(
        "Limits",
        &format!(
            "{} connections, {} live-reload streams (open files: {})",
            limits.connections,
            limits.streams,
            if nofile == u64::MAX {
                "unlimited".to_owned()
            } else {
                nofile.to_string()
            }
        ),
    );
    let server = Arc::new(Server {
        current: RwLock::new(Arc::new(first)),
        hub,
        host: policy,
        limits,
    });

    let mut watcher = watch::Watcher::start(&opts.root, opts.poll, tx)
        .map_err(|e| Error::Other(format!("cannot watch {}: {e}", opts.root.display())))?;

    // HTTP runs on its own two threads; the builds keep the rest.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("anxuan-http")
        .enable_all()
        .build()
        .map_err(|e| Error::Other(format!("cannot start the HTTP threads: {e}")))?;
    let listener = {
        let _inside = runtime.enter();
        listener
            .set_nonblocking(true)
            .and_then(|()| tokio::net::TcpListener::from_std(listener))
            .map_err(|e| Error::Other(format!("cannot listen: {e}")))?
    };
    runtime.spawn(http::serve_loop(listener, Arc::clone(&server)));

    let url = format!("http://{}:{}{}", url_host(local.ip()), local.port(), base);
    if local.ip().is_unspecified() {
        shell.warn(&format!(
            "listening on every network interface ({}): anyone on your network can open this preview, drafts included (局域网内的其他设备都能访问此预览)",
            local.ip()
        ));
        let lan = announce::lan_urls(local.ip(), local.port(), &base);
        shell.status(
            "Serving",
            &format!("http://127.0.0.1:{}{} (this computer)", local.port(), base),
        );
        for url in &lan {
            shell.status("Serving", &format!("{url} (LAN)"));
        }
        if let Some(first) = lan.first() {
            shell.status(
                "Scan",
                &format!("{first} 用手机扫码打开预览 / to open it on a phone:"),
            );
            shell.block(&crate::qr::terminal_lines(first));
        }
    } else {
        shell.status(
            "Serving",
            &format!("{url} (按 Ctrl+C 停止 / Ctrl+C to stop)"),
        );
    }
    if opts.open {
        let open_url = if local.ip().is_unspecified() {
            format!("http://127.0.0.1:{}{}", local.port(), base)
        } else {
            url.clone()
        };
        if let Err(e) = announce::open_in_browser(&open_url) {
            shell.warn(&format!(
                "cannot open a browser: {e} (请手动打开 {open_url})"
            ));
        }
    }

    watch_loop(shell, &server, &mut rb, &rx, &mut watcher);
    Ok(())
}

fn watch_loop(
    shell: &Shell,
    server: &Server,
    rb: &mut Rebuilder,
    rx: &Receiver<Vec<String>>,
    watcher: &mut watch::Watcher,
) {
    while let Ok(mut batch) = rx.recv() {
        // Coalesce everything that arrived meanwhile into one rebuild.
        while let Ok(more) = rx.try_recv() {
            batch.extend(more);
        }
        batch.sort();
        batch.dedup();
        let _ = watcher.ensure_watched();
        shell.verbose("Changed", &batch.join(", "));
        let started = Instant::now();
        let outcome = rebuild(server, rb, &batch);
        report_outcome(shell, &outcome, started.elapsed());
    }
}

/// For tests: a server state around a first build, without sockets.
pub fn state_for(root: &Path, opts: &BuildOptions) -> (Server, Rebuilder) {
    let mut rb = Rebuilder::new(root.to_path_buf(), opts.clone());
    let (snap, _, _) = first_snapshot(&mut rb, base_path(root, opts));
    let limits = Limits::default();
    let hub = Hub::new(
        "test".into(),
        snap.version,
        livereload::problems(&snap.errors),
        limits.streams,
    );
    (
        Server {
            current: RwLock::new(Arc::new(snap)),
            hub,
            host: HostPolicy::loopback(),
            limits,
        },
        rb,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_pages_and_files() {
        let mut c = Changes::default();
        assert_eq!(c.summary(), "nothing changed");
        c.paths.insert("a/index.html".into());
        assert_eq!(c.summary(), "1 page changed");
        c.paths.insert("b/index.html".into());
        c.paths.insert("css/site.css".into());
        assert_eq!(c.summary(), "2 pages and 1 other file changed");
    }

    #[test]
    fn css_only_needs_css_sources() {
        let mut c = Changes::default();
        c.paths.insert("css/site.css".into());
        c.paths.insert("index.html".into());
        assert!(css_only(&c, &["themes/default/static/css/site.css".into()]));
        assert!(!css_only(&c, &["content/articles/a.md".into()]));
        assert!(!css_only(&c, &[]));
    }
}
