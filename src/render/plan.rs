//! The render plan: every output file of a site as a job — its path, its
//! memo key and how to make it — in one list, whoever consumes it.
//!
//! Owns: which files a build produces, in which order (a later job for a
//! path replaces an earlier one), and the keys of the theme's files and
//! the machine-readable files (feeds, calendars, sitemap, robots.txt).
//! Imports: the parent module and its submodules.
//!
//! Invariants: a job's bytes are a pure function of the render's inputs;
//! its key, when it has one, changes whenever those bytes may.

use super::{Renderer, feeds, ics, lists, pages, sitemap, wechat};
use crate::error::{Diagnostic, Severity};

/// How a job makes its file.
type Make<'a> = Box<dyn Fn() -> Result<Vec<u8>, Diagnostic> + Send + Sync + 'a>;

/// One output file of a render.
pub struct Job<'a> {
    /// Output path, no leading slash.
    pub path: String,
    /// The memo key of everything the file's bytes depend on; `None` when
    /// the render has no keys (a one-shot build makes every file).
    pub key: Option<u64>,
    make: Make<'a>,
}

impl<'a> Job<'a> {
    pub fn new(
        path: String,
        key: Option<u64>,
        make: impl Fn() -> Result<Vec<u8>, Diagnostic> + Send + Sync + 'a,
    ) -> Job<'a> {
        Job {
            path,
            key,
            make: Box::new(make),
        }
    }

    /// Renders the file.
    pub fn make(&self) -> Result<Vec<u8>, Diagnostic> {
        (self.make)()
    }
}

/// Every output of the site except the search index: the theme's static
/// files, single pages and their 公众号 exports (unless `wechat_export:
/// false`), lists, then the files for programs. A later job for a path
/// replaces an earlier one (a rendered page wins over a theme file of the
/// same name).
pub fn plan<'a>(r: &'a Renderer<'a>) -> Vec<Job<'a>> {
    let mut jobs: Vec<Job<'a>> = Vec::new();
    for (path, bytes) in &r.assets.files {
        let key = r
            .keys
            .as_ref()
            .map(|k| k.start("asset").add(bytes.as_slice()).finish());
        jobs.push(Job::new(path.clone(), key, move || Ok(bytes.clone())));
    }
    jobs.extend((0..r.site.pages.len()).map(|id| pages::job(r, id)));
    if r.site.config.wechat_export {
        jobs.extend((0..r.site.pages.len()).filter_map(|id| wechat::job(r, id)));
    }
    lists::jobs(r, &mut jobs);
    machine(r, &mut jobs);
    jobs
}

fn io_error(path: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::global(Severity::Error, format!("cannot write {path}: {e}"))
}

/// The files for programs rather than people: feeds, calendars, the
/// sitemap and robots.txt. Their URLs are permalinks (absolute when
/// `base_url` is), never relative.
fn machine<'a>(r: &'a Renderer<'a>, jobs: &mut Vec<Job<'a>>) {
    let site = r.site;
    let bodies = r.bodies;
    // What a page gives a feed or calendar: its source, body and folder.
    let entry_keys = |what: &str, name: &str, ids: &[usize]| {
        r.keys.as_ref().map(|k| {
            let mut key = k.start(what);
            key.add(name);
            for &id in ids {
                key.add(&k.pages[id]).add(&site.dirs[id]);
            }
            key.finish()
        })
    };
    for feed in feeds::feeds(site) {
        let key = entry_keys(
            "feed",
            &format!("{}\0{}", feed.title, feed.subtitle),
            &feed.ids,
        );
        let feed = std::sync::Arc::new(feed);
        let atom = format!("{}atom.xml", feed.dir);
        let rss = format!("{}rss.xml", feed.dir);
        let (f, p) = (std::sync::Arc::clone(&feed), atom.clone());
        jobs.push(Job::new(atom, key, move || {
            feeds::atom(site, bodies, &f).map_err(|e| io_error(&p, &e))
        }));
        let p = rss.clone();
        jobs.push(Job::new(rss, key, move || {
            feeds::rss(site, bodies, &feed).map_err(|e| io_error(&p, &e))
        }));
    }
    let stamp = std::sync::Arc::new(crate::dates::ics_utc(site.now));
    for (path, name, ids) in ics::calendars(site) {
        let key = entry_keys("calendar", &name, &ids);
        let stamp = std::sync::Arc::clone(&stamp);
        jobs.push(Job::new(path, key, move || {
            let events: Vec<String> = ids
                .iter()
                .map(|&id| ics::event(site, bodies, id, &stamp))
                .collect();
            Ok(ics::calendar(site, &name, &events).into_bytes())
        }));
    }
    for id in site.drills() {
        let key = entry_keys("drill-calendar", "", &[id]);
        let stamp = std::sync::Arc::clone(&stamp);
        jobs.push(Job::new(ics::drill_file(site, id), key, move || {
            let event = ics::event(site, bodies, id, &stamp);
            Ok(ics::calendar(site, &site.pages[id].title, &[event]).into_bytes())
        }));
    }
    // The protocol requires absolute URLs: no sitemap without a host.
    if !site.config.origin.is_empty() {
        // The sitemap shows each entry's folder and date, nothing else.
        let key = r.keys.as_ref().map(|k| {
            let mut key = k.start("sitemap");
            for (dir, modified) in sitemap::entries(site) {
                key.add(&dir).add(&modified);
            }
            key.finish()
        });
        jobs.push(Job::new(
            "sitemap.xml".to_owned(),
            key,
            move || match sitemap::sitemap(site) {
                Some(res) => res.map_err(|e| io_error("sitemap.xml", &e)),
                None => Ok(Vec::new()),
            },
        ));
    }
    let key = r.keys.as_ref().map(|k| k.start("robots").finish());
    jobs.push(Job::new("robots.txt".to_owned(), key, move || {
        Ok(sitemap::robots(site).into_bytes())
    }));
}
