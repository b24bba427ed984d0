//! List entries: what every list shows of each page.
//!
//! Owns: the entries of a build, through the memo by the key of what an
//! entry is made from (the page's source and body, and its folder), each
//! with its own key for the outputs that show it.

use rayon::prelude::*;

use super::memo::Memo;
use crate::hash::{Key, key_of};
use crate::markdown::Body;
use crate::render::{self, views::ItemView};
use crate::site::Site;

/// A page's list entry in the memo.
pub(super) struct ItemEntry {
    /// The build that last used it (the memo's count).
    used: u64,
    /// Key of what it was made from.
    from: u64,
    /// `None` while a build holds it.
    item: Option<ItemView>,
    key: u64,
}

/// The list entries of a build, by page id.
pub(super) struct Items {
    pub items: Vec<ItemView>,
    /// [`key_of`] each entry (empty when the memo keeps nothing).
    pub keys: Vec<u64>,
    /// What each entry was made from.
    made_from: Vec<u64>,
}

/// Every page's list entry; `page_keys` (by page id) name the page's
/// source and body, and are empty when the memo keeps nothing.
pub(super) fn entries(site: &Site, bodies: &[Body], page_keys: &[u64], memo: &mut Memo) -> Items {
    if !memo.keep {
        return Items {
            items: render::item_views(site, bodies),
            keys: Vec::new(),
            made_from: Vec::new(),
        };
    }
    // Taken out of the memo's entries, which stay for the memo to refill.
    let olds: Vec<_> = site
        .pages
        .iter()
        .map(|p| {
            let e = memo.items.get_mut(&p.file)?;
            Some((e.from, e.item.take()?, e.key))
        })
        .collect();
    let made: Vec<(u64, ItemView, u64)> = olds
        .into_par_iter()
        .enumerate()
        .map(|(id, old)| {
            let from = Key::new()
                .add(&page_keys[id])
                .add(&site.dirs[id])
                .add(&site.now)
                .finish();
            match old {
                Some((f, item, key)) if f == from => (from, item, key),
                _ => {
                    let item = render::views::item_view(site, id, &bodies[id]);
                    let key = key_of(&item);
                    (from, item, key)
                }
            }
        })
        .collect();
    let mut items = Items {
        items: Vec::with_capacity(made.len()),
        keys: Vec::with_capacity(made.len()),
        made_from: Vec::with_capacity(made.len()),
    };
    for (from, item, key) in made {
        items.made_from.push(from);
        items.items.push(item);
        items.keys.push(key);
    }
    items
}

impl Items {
    /// Gives the entries back to the memo.
    pub fn store(self, site: &Site, memo: &mut Memo) {
        if !memo.keep {
            return;
        }
        let entries = site
            .pages
            .iter()
            .zip(self.made_from)
            .zip(self.items)
            .zip(self.keys);
        let used = memo.builds;
        for (((p, from), item), key) in entries {
            let e = ItemEntry {
                used,
                from,
                item: Some(item),
                key,
            };
            match memo.items.get_mut(&p.file) {
                Some(slot) => *slot = e,
                None => {
                    memo.items.insert(p.file.clone(), e);
                }
            }
        }
        // Entries of pages gone since.
        memo.items.retain(|_, e| e.used == used);
    }
}
