//! Command-line types (clap) and the shell completion scripts made from
//! them. No other logic.
//!
//! Owns: the only use of `clap` and `clap_complete`. Imports nothing from
//! the crate.
//!
//! Invariants: options that every subcommand shares (`-r/--root`, `-q`,
//! `-v`, `--color`) are global, so they go before or after the
//! subcommand's name.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
pub use clap_complete::Shell as CompletionShell;

const EXAMPLES: &str = "\
Examples:
  anxuan build                         build ./ into ./public
  anxuan build --root mysite --out /var/www/aq --base-url https://aq.example.gov.cn/
  anxuan build --now 2025-06-16T09:00:00+08:00   reproducible build at a fixed time
  anxuan check --root mysite           validate everything, write nothing
  anxuan serve                         preview on http://127.0.0.1:1111/ with live reload
  anxuan check --strict --format json  findings as JSON on stdout; exit 1 if any
  anxuan build --base-url https://www.example.gov.cn/anquan/   deploy under a sub-path
  anxuan build --relative              links relative to each page (any folder, file://)
  anxuan init mysite                   start a new site
  anxuan serve -i 0.0.0.0 -p 8080 -O   preview on the LAN, open the browser
  anxuan completion bash > /etc/bash_completion.d/anxuan   shell completion
  anxuan new drill 2025-fire-drill --title \"青石小学消防疏散演练\"
  anxuan import 来稿/通知.docx 旧网站/   Word documents and saved pages → Markdown";

#[derive(Debug, Parser)]
#[command(
    name = "anxuan",
    version,
    about = "安宣 anxuan — static sites for 安全生产“五进” publicity campaigns",
    long_about = "安宣 anxuan builds a static website from Markdown files with YAML front matter: \
                  articles (工作动态), drills (应急演练) and cases (警示案例), with lists per kind \
                  and per 五进 area (企业、农村、社区、学校、家庭).",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The site folder (containing site.yaml); default: the current folder.
    #[arg(short, long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more (per-stage timings).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Colored output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into a folder (default: <root>/public).
    #[command(
        after_help = "Example:\n  anxuan build --root mysite --out public --now 2025-06-16T09:00:00+08:00"
    )]
    Build(BuildArgs),
    /// Validate everything `build` validates and check the rendered site
    /// (links, anchors, images, alt text, dates, stale columns, footer marks),
    /// without writing anything.
    #[command(
        after_help = "Examples:\n  anxuan check --root mysite\n  anxuan check --strict --format json > findings.json\n  anxuan check --external --timeout 5"
    )]
    Check(CheckArgs),
    /// Build in memory, serve on http://127.0.0.1:1111/ and rebuild and reload the browser on every change.
    #[command(
        after_help = "Examples:\n  anxuan serve --root mysite --drafts\n  anxuan serve --bind 0.0.0.0 --port 8080   preview on a phone in the same network\n  anxuan serve --poll                       WSL2, network drives\n  anxuan serve --bind 0.0.0.0 --allowed-host aq-preview.lan   answer that name too"
    )]
    Serve(ServeArgs),
    /// Create a new site with an example of each kind of content.
    #[command(after_help = "Example:\n  anxuan init mysite && anxuan build --root mysite")]
    Init(InitArgs),
    /// Create a new content file with its front matter filled in.
    #[command(
        after_help = "Examples:\n  anxuan new article 2025-safety-month --title \"安全生产月活动启动\"\n  anxuan new drill school-fire-drill\n  anxuan new case 2025-warehouse-fire\n  anxuan new page about --title 关于本站"
    )]
    New(NewArgs),
    /// Bring existing content in: Word/WPS documents (.docx) and pages saved
    /// from the old site (.html), one Markdown file each in a column's folder.
    #[command(
        after_help = "Examples:\n  anxuan import 来稿/关于开展安全生产月活动的通知.docx\n  anxuan import 旧网站/ --column articles --dry-run\n  anxuan import 旧网站/t20240730_123456.html"
    )]
    Import(ImportArgs),
    /// Print a completion script for a shell on stdout.
    #[command(
        after_help = "Examples:\n  anxuan completion bash > ~/.local/share/bash-completion/completions/anxuan\n  anxuan completion zsh > ~/.zfunc/_anxuan\n  anxuan completion fish > ~/.config/fish/completions/anxuan.fish\n  anxuan completion powershell >> $PROFILE"
    )]
    Completion(CompletionArgs),
}

#[derive(Debug, Args, Clone)]
pub struct SiteArgs {
    /// Include drafts (`draft: true`).
    #[arg(long)]
    pub drafts: bool,
    /// Include content dated in the future.
    #[arg(long)]
    pub future: bool,
    /// Include content whose `expires:` date has passed.
    #[arg(long)]
    pub expired: bool,
    /// The build time (RFC 3339, or a date / date-time in the site's time zone); default: now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Override site.yaml's base_url, e.g. https://aq.example.gov.cn/ or /sub/path/.
    #[arg(short = 'u', long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Write links relative to each page, so the output works from any folder
    /// (also file://); same as `relative_urls: true` in site.yaml.
    #[arg(long)]
    pub relative: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Output folder (default: <root>/public).
    #[arg(short = 'o', long, visible_alias = "output-dir", value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Compiler-style messages on stderr.
    Human,
    /// One JSON object on stdout (for CI); the summary stays on stderr.
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Treat every finding (broken link, stale column, …) as an error: exit 1.
    #[arg(long)]
    pub strict: bool,
    /// How to report the findings.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Also fetch external links (HEAD, then GET) and report those that fail.
    #[arg(long)]
    pub external: bool,
    /// Seconds to wait for each external link (with --external).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub timeout: u64,
    /// Also write the findings as one self-contained HTML page (for
    /// supervisors), e.g. `--report check-report.html`.
    #[arg(long, value_name = "FILE")]
    pub report: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The address to listen on; 0.0.0.0 makes the preview reachable from the LAN.
    #[arg(
        short = 'i',
        long,
        visible_alias = "interface",
        value_name = "ADDR",
        default_value = "127.0.0.1"
    )]
    pub bind: IpAddr,
    /// The port to listen on (0: any free port).
    #[arg(short = 'p', long, default_value_t = 1111)]
    pub port: u16,
    /// Poll the files instead of relying on change events (WSL2, network drives).
    #[arg(long)]
    pub poll: bool,
    /// Open the site in the default browser.
    #[arg(short = 'O', long)]
    pub open: bool,
    /// Also answer requests addressed to this host name (repeatable), e.g.
    /// a reverse proxy's name or a hosts-file name for a phone. Without it
    /// only localhost, 127.0.0.1, [::1] and (with --bind) the machine's own
    /// addresses are answered: other names get 421 (DNS rebinding protection).
    #[arg(long = "allowed-host", value_name = "NAME")]
    pub allowed_hosts: Vec<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create (must not exist, or be empty); default: `--root`.
    pub dir: Option<PathBuf>,
    /// The site's address, e.g. https://aq.example.gov.cn/ (default `/`).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The site's name (default: a placeholder).
    #[arg(long)]
    pub title: Option<String>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The column: its folder (e.g. notices, articles), or a kind (article,
    /// notice, document, drill, case, page) for the first column of it.
    pub column: String,
    /// File name and URL segment, e.g. 2025-fire-drill.
    pub slug: String,
    /// The title (default: a placeholder to replace).
    #[arg(long)]
    pub title: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Word files (.docx), saved web pages (.html, .htm), or folders of them.
    #[arg(required = true, value_name = "FILE_OR_FOLDER")]
    pub paths: Vec<PathBuf>,
    /// The column to import into (its folder, e.g. articles); default:
    /// articles, or the column whose title a page's ColumnName gives.
    #[arg(long, value_name = "FOLDER")]
    pub column: Option<String>,
    /// Print what would be written; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// The completion script of the whole command line for `shell`.
pub fn completion_script(shell: CompletionShell) -> Vec<u8> {
    let mut script = Vec::new();
    // Written to memory: the generator cannot fail there (it panics on a
    // failed write, so it never writes to stdout directly).
    clap_complete::generate(shell, &mut Cli::command(), "anxuan", &mut script);
    script
}
