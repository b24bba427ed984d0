//! List pages: home, paginated kind lists, the drill list, areas, tags, 404.
//!
//! Imports: the parent module, `site`, `dates`, `error`.
//!
//! Invariants: lists are cut from the site's precomputed sorted indexes
//! (no sorting here); page 1 of a list lives at `<dir>/`, page n at
//! `<dir>/page/n/`.

use std::sync::Arc;

use serde::Serialize;

use super::views::ItemView;
use super::{Job, KeyedContext, Renderer, out_path};
use crate::content::Kind;
use crate::dates;
use crate::site::PageId;

/// A list whose items are cut into pages of `paginate` items.
struct List {
    template: &'static str,
    section: String,
    /// Items per page.
    per: usize,
    dir: String,
    heading: String,
    intro: String,
    /// What the list adds to its pages' template context.
    extra: KeyedContext,
}

#[derive(Debug, Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
    /// Pages left out before this one (shown as "…").
    gap_before: bool,
}

#[derive(Debug, Serialize)]
struct Pagination {
    current: usize,
    total: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PageLink>,
}

#[derive(Debug, Serialize)]
struct ListView<'a> {
    /// The `<h1>`.
    heading: &'a str,
    intro: &'a str,
    items: Vec<&'a ItemView>,
    total: usize,
    pagination: Pagination,
}

#[derive(Debug, Serialize)]
struct MonthGroup<'a> {
    label: String,
    items: Vec<&'a ItemView>,
}

fn page_dir(dir: &str, n: usize) -> String {
    if n == 1 {
        dir.to_owned()
    } else {
        format!("{dir}page/{n}/")
    }
}

/// How many page numbers are shown on each side of the current page.
const WINDOW: usize = 2;

/// The page numbers a pagination bar shows: the first, the last and a
/// window around the current page. A bounded number of links per page, so
/// rendering every page of a list stays linear in the number of pages (and
/// a phone shows one short row, not hundreds of links).
fn shown_pages(current: usize, total: usize) -> Vec<usize> {
    let lo = current.saturating_sub(WINDOW).max(1);
    let hi = (current + WINDOW).min(total);
    let mut shown = vec![1];
    shown.extend((lo..=hi).filter(|&n| n != 1 && n != total));
    if total > 1 {
        shown.push(total);
    }
    shown
}

fn pagination(r: &Renderer<'_>, dir: &str, current: usize, total: usize) -> Pagination {
    let url = |n: usize| r.site.url_of_dir(&page_dir(dir, n));
    let mut prev = 0;
    Pagination {
        current,
        total,
        prev_url: (current > 1).then(|| url(current - 1)),
        next_url: (current < total).then(|| url(current + 1)),
        pages: shown_pages(current, total)
            .into_iter()
            .map(|n| {
                let link = PageLink {
                    number: n,
                    url: url(n),
                    current: n == current,
                    gap_before: n > prev + 1,
                };
                prev = n;
                link
            })
            .collect(),
    }
}

/// The pages of a paginated list of `ids`. Each page's key names the
/// list, the page's number and count, and the entries it shows.
fn paginated<'a>(r: &'a Renderer<'a>, list: List, ids: &'a [PageId], jobs: &mut Vec<Job<'a>>) {
    let per = list.per.max(1);
    let total = ids.len().div_ceil(per).max(1);
    let list = Arc::new(list);
    let list_key = r.keys.as_ref().map(|k| {
        let mut key = k.start("list");
        key.add(list.template)
            .add(&list.section)
            .add(&list.dir)
            .add(&list.heading)
            .add(&list.intro)
            .add(&list.extra.key.finish())
            .add(&ids.len());
        key
    });
    for n in 1..=total {
        let start = ((n - 1) * per).min(ids.len());
        let chunk: &'a [PageId] = &ids[start..(start + per).min(ids.len())];
        let key = list_key.as_ref().zip(r.keys.as_ref()).map(|(k, keys)| {
            let mut k = k.clone();
            k.add(&n);
            for &i in chunk {
                k.add(&keys.items[i]);
            }
            k.finish()
        });
        let d = page_dir(&list.dir, n);
        let list = Arc::clone(&list);
        jobs.push(Job::new(out_path(&d), key, move || {
            let view = ListView {
                heading: &list.heading,
                intro: &list.intro,
                items: chunk.iter().map(|&i| &r.items[i]).collect(),
                total: ids.len(),
                pagination: pagination(r, &list.dir, n, total),
            };
            let title = if n == 1 {
                list.heading.clone()
            } else {
                format!("{}（第{n}页）", list.heading)
            };
            let mut ctx = r.context(&list.section, &title, &list.intro, &d);
            ctx.insert("list", &view);
            ctx.extend(list.extra.ctx.clone());
            r.emit(list.template, &ctx, &d, &format!("/{d}"))
                .map(|(_, bytes)| bytes)
        }));
    }
}

fn take<'a>(r: &'a Renderer<'_>, ids: &[PageId], n: usize) -> Vec<&'a ItemView> {
    ids.iter().take(n).map(|&i| &r.items[i]).collect()
}

/// A column's block on the home page.
#[derive(Debug, Serialize)]
struct HomeBlock<'a> {
    /// The column's kind: drills show what is coming.
    kind: &'static str,
    /// The prefix of the heading's id.
    anchor: String,
    title: &'a str,
    url: String,
    /// The latest entries (a drill column: its upcoming drills).
    items: Vec<&'a ItemView>,
    /// A drill column's most recent ended drills.
    recent: Vec<&'a ItemView>,
}

fn home<'a>(r: &'a Renderer<'a>) -> Job<'a> {
    let site = r.site;
    let cfg = &site.config;
    // (column, latest entries, recent ended drills)
    let shown: Vec<(usize, &'a [PageId], &'a [PageId])> = cfg
        .home
        .iter()
        .map(|&c| {
            let ids = &site.columns[c][..];
            match cfg.columns[c].kind {
                Kind::Drill => {
                    let (upcoming, past) = ids.split_at(site.upcoming_in[c]);
                    (
                        c,
                        &upcoming[..upcoming.len().min(5)],
                        &past[..past.len().min(3)],
                    )
                }
                Kind::Case => (c, &ids[..ids.len().min(5)], &[][..]),
                _ => (c, &ids[..ids.len().min(8)], &[][..]),
            }
        })
        .collect();
    let key = r.keys.as_ref().map(|k| {
        let mut key = k.start("home");
        for (c, items, recent) in &shown {
            key.add(&cfg.columns[*c].folder).add(&cfg.columns[*c].title);
            for ids in [items, recent] {
                key.add(&ids.len());
                for &i in *ids {
                    key.add(&k.items[i]);
                }
            }
        }
        key.finish()
    });
    Job::new(out_path(""), key, move || {
        let mut ctx = r.context("", &cfg.title, &cfg.description, "");
        let blocks: Vec<HomeBlock<'_>> = shown
            .iter()
            .map(|&(c, items, recent)| {
                let col = &cfg.columns[c];
                HomeBlock {
                    kind: col.kind.name(),
                    // Kept from before columns: links to `#latest-heading`.
                    anchor: if col.folder == "articles" {
                        "latest".to_owned()
                    } else {
                        col.folder.clone()
                    },
                    title: &col.title,
                    url: site.column_url(c),
                    items: take(r, items, items.len()),
                    recent: take(r, recent, recent.len()),
                }
            })
            .collect();
        // The next drill goes first, above the columns: on a phone it is
        // in the first screen whatever the columns' order.
        let next_drill = blocks
            .iter()
            .filter(|b| b.kind == Kind::Drill.name())
            .find_map(|b| b.items.first());
        ctx.insert("next_drill", &next_drill);
        ctx.insert("is_home", &true);
        ctx.insert("home_blocks", &blocks);
        r.emit("index.html", &ctx, "", "the home page")
            .map(|(_, bytes)| bytes)
    })
}

/// The list of drill column `c`: upcoming drills first, then ended ones
/// by month.
fn drills<'a>(r: &'a Renderer<'a>, c: usize, jobs: &mut Vec<Job<'a>>) {
    let site = r.site;
    let col = &site.config.columns[c];
    let all: Arc<Vec<PageId>> = Arc::new(site.columns[c].clone());
    let per = site.config.paginate_of(c);
    let total = all.len().div_ceil(per).max(1);
    let upcoming_count = site.upcoming_in[c];
    let folder = format!("{}/", col.folder);
    let month = |id: PageId| {
        site.pages[id]
            .drill()
            .map(|d| dates::month_zh(d.start.ts, &site.config.tz))
            .unwrap_or_default()
    };
    for n in 1..=total {
        let start = (n - 1) * per;
        let range = start..(start + per).min(all.len());
        let key = r.keys.as_ref().map(|k| {
            let mut key = k.start("drills");
            key.add(&n).add(&all.len()).add(&upcoming_count);
            key.add(&col.folder).add(&col.title).add(&col.description);
            for i in range.clone() {
                key.add(&k.items[all[i]]).add(&month(all[i]));
            }
            key.finish()
        });
        let d = page_dir(&folder, n);
        let all = Arc::clone(&all);
        let folder = folder.clone();
        jobs.push(Job::new(out_path(&d), key, move || {
            let heading = col.title.as_str();
            let intro = col.description.as_str();
            let upcoming: Vec<&ItemView> = range
                .clone()
                .filter(|&i| i < upcoming_count)
                .map(|i| &r.items[all[i]])
                .collect();
            let mut months: Vec<MonthGroup<'_>> = Vec::new();
            for i in range.clone().filter(|&i| i >= upcoming_count) {
                let id = all[i];
                let label = month(id);
                match months.last_mut() {
                    Some(g) if g.label == label => g.items.push(&r.items[id]),
                    _ => months.push(MonthGroup {
                        label,
                        items: vec![&r.items[id]],
                    }),
                }
            }
            let title = if n == 1 {
                heading.to_owned()
            } else {
                format!("{heading}（第{n}页）")
            };
            let mut ctx = r.context(&col.folder, &title, intro, &d);
            ctx.insert("heading", heading);
            ctx.insert("intro", intro);
            ctx.insert("gov_meta", &super::meta::column_tags(site, c));
            ctx.insert("upcoming", &upcoming);
            ctx.insert("past_months", &months);
            ctx.insert("total", &all.len());
            ctx.insert("upcoming_total", &upcoming_count);
            ctx.insert("pagination", &pagination(r, &folder, n, total));
            r.emit("drills.html", &ctx, &d, &format!("/{folder}"))
                .map(|(_, bytes)| bytes)
        }));
    }
}

#[derive(Debug, Serialize)]
struct TagView {
    name: String,
    url: String,
    count: usize,
}

/// A page that shows only the chrome and `ctx`'s values: `template`
/// rendered into `dir`.
fn fixed<'a>(
    r: &'a Renderer<'a>,
    template: &'static str,
    (section, title, description): (&'static str, &'static str, String),
    dir: &'static str,
    extra: KeyedContext,
) -> Job<'a> {
    let key = r.keys.as_ref().map(|k| {
        k.start("fixed")
            .add(template)
            .add(dir)
            .add(&description)
            .add(&extra.key.finish())
            .finish()
    });
    Job::new(out_path(dir), key, move || {
        let mut ctx = r.context(section, title, &description, dir);
        ctx.extend(extra.ctx.clone());
        let what = if dir.ends_with('/') {
            format!("/{dir}")
        } else {
            dir.to_owned()
        };
        r.emit(template, &ctx, dir, &what).map(|(_, bytes)| bytes)
    })
}

/// Every list page of the site, in a fixed order.
pub fn jobs<'a>(r: &'a Renderer<'a>, jobs: &mut Vec<Job<'a>>) {
    let site = r.site;
    let cfg = &site.config;
    jobs.push(home(r));
    for (c, col) in cfg.columns.iter().enumerate() {
        match col.kind {
            Kind::Page => {}
            Kind::Drill => drills(r, c, jobs),
            _ => {
                let mut extra = KeyedContext::default();
                extra.insert("gov_meta", &super::meta::column_tags(site, c));
                if col.feed {
                    let mut links = super::feed_links(
                        site,
                        &format!("{}/", col.folder),
                        &format!("{} - {}", cfg.title, col.title),
                    );
                    links.extend(super::feed_links(site, "", &cfg.title));
                    extra.insert("feed_links", &links);
                }
                let list = List {
                    template: "list.html",
                    section: col.folder.clone(),
                    per: cfg.paginate_of(c),
                    dir: format!("{}/", col.folder),
                    heading: col.title.clone(),
                    intro: col.description.clone(),
                    extra,
                };
                paginated(r, list, &site.columns[c], jobs);
            }
        }
    }
    let mut extra = KeyedContext::default();
    extra.insert("heading", "五进专栏");
    jobs.push(fixed(
        r,
        "areas.html",
        (
            "areas",
            "五进专栏",
            "安全生产宣传进企业、进农村、进社区、进学校、进家庭。".to_owned(),
        ),
        "areas/",
        extra,
    ));
    for (i, area) in cfg.areas.iter().enumerate() {
        let dir = format!("areas/{}/", area.slug);
        let mut links = super::feed_links(site, &dir, &format!("{} - 进{}", cfg.title, area.name));
        links.extend(super::feed_links(site, "", &cfg.title));
        let mut extra = KeyedContext::default();
        extra.insert("area", &area.name);
        extra.insert("gov_meta", &super::meta::area_tags(site, i));
        extra.insert("feed_links", &links);
        extra.insert(
            "area_calendar",
            &super::calendar_link(site, &format!("{dir}drills.ics")),
        );
        let list = List {
            template: "list.html",
            section: "areas".into(),
            per: cfg.paginate.max(1),
            heading: format!("安全生产宣传进{}", area.name),
            intro: area.description.clone(),
            dir,
            extra,
        };
        paginated(r, list, &site.areas[i], jobs);
    }
    let tags: Vec<TagView> = site
        .tags
        .iter()
        .map(|t| TagView {
            name: t.name.clone(),
            url: site.url_of_dir(&site.tag_dir(t)),
            count: t.pages.len(),
        })
        .collect();
    let mut extra = KeyedContext::default();
    extra.insert("heading", "标签");
    extra.insert("tags", &tags);
    jobs.push(fixed(
        r,
        "tags.html",
        ("tags", "标签", "按标签浏览全部内容。".to_owned()),
        "tags/",
        extra,
    ));
    for t in &site.tags {
        let list = List {
            template: "list.html",
            section: "tags".into(),
            per: cfg.paginate.max(1),
            dir: site.tag_dir(t),
            heading: format!("标签：{}", t.name),
            intro: format!("共 {} 条带有“{}”标签的内容。", t.pages.len(), t.name),
            extra: KeyedContext::default(),
        };
        paginated(r, list, &t.pages, jobs);
    }
    jobs.push(fixed(
        r,
        "search.html",
        (
            "search",
            "站内搜索",
            if cfg.declares_columns() {
                let titles: Vec<&str> = cfg
                    .columns
                    .iter()
                    .filter(|c| c.kind != Kind::Page)
                    .map(|c| c.title.as_str())
                    .collect();
                format!("搜索本站的{}。", titles.join("、"))
            } else {
                "搜索本站的工作动态、应急演练和警示案例。".to_owned()
            },
        ),
        "search/",
        KeyedContext::default(),
    ));
    let mut extra = KeyedContext::default();
    extra.insert("heading", "网站地图");
    extra.insert("groups", &super::sitemap::page_groups(site));
    jobs.push(fixed(
        r,
        "sitemap.html",
        ("sitemap", "网站地图", "本站全部栏目和页面。".to_owned()),
        "sitemap/",
        extra,
    ));
    jobs.push(fixed(
        r,
        "404.html",
        ("", "页面未找到", String::new()),
        "404.html",
        KeyedContext::default(),
    ));
}

#[cfg(test)]
mod tests {
    use super::shown_pages;

    #[test]
    fn shown_pages_are_first_last_and_a_window() {
        assert_eq!(shown_pages(1, 1), vec![1]);
        assert_eq!(shown_pages(1, 2), vec![1, 2]);
        assert_eq!(shown_pages(1, 100), vec![1, 2, 3, 100]);
        assert_eq!(shown_pages(50, 100), vec![1, 48, 49, 50, 51, 52, 100]);
        assert_eq!(shown_pages(100, 100), vec![1, 98, 99, 100]);
        assert_eq!(shown_pages(4, 7), vec![1, 2, 3, 4, 5, 6, 7]);
    }
}
