//! The counts a build prints: pages per kind, and those left out.

use crate::content::{Kind, Page};

/// Counts for the console.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub articles: usize,
    pub notices: usize,
    pub documents: usize,
    pub drills: usize,
    pub cases: usize,
    pub pages: usize,
    pub unpublished: usize,
    /// Photos decoded and encoded by this build (not in the image cache).
    pub images_processed: usize,
}

impl Stats {
    /// Every published page.
    pub fn total(&self) -> usize {
        self.articles + self.notices + self.documents + self.drills + self.cases + self.pages
    }

    /// `48 pages (20 articles, 4 notices, 4 documents, 9 drills, 8 cases,
    /// 3 pages)`; notices and documents only when there are some.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("{} articles", self.articles)];
        if self.notices > 0 {
            parts.push(format!("{} notices", self.notices));
        }
        if self.documents > 0 {
            parts.push(format!("{} documents", self.documents));
        }
        parts.push(format!("{} drills", self.drills));
        parts.push(format!("{} cases", self.cases));
        parts.push(format!("{} pages", self.pages));
        let mut s = format!("{} pages ({})", self.total(), parts.join(", "));
        if self.images_processed > 0 {
            s.push_str(&format!(", {} new photo(s) resized", self.images_processed));
        }
        s
    }
}

pub(super) fn stats(published: &[Page], unpublished: usize) -> Stats {
    let mut stats = Stats {
        unpublished,
        ..Stats::default()
    };
    for p in published {
        match p.kind {
            Kind::Article => stats.articles += 1,
            Kind::Notice => stats.notices += 1,
            Kind::Document => stats.documents += 1,
            Kind::Drill => stats.drills += 1,
            Kind::Case => stats.cases += 1,
            Kind::Page => stats.pages += 1,
        }
    }
    stats
}
