//! Snapshot tests of the `<main>` region of each page type of the minimal
//! fixture site. Update with `INSTA_UPDATE=always cargo test` after an
//! intended change, and review the diff.

use crate::support::*;

fn build() -> anxuan::pipeline::Build {
    anxuan::pipeline::build(&fixture("minimal"), &opts()).unwrap()
}

#[test]
fn main_regions_of_each_page_type() {
    let b = build();
    for (name, path) in [
        ("home", "index.html"),
        ("article", "articles/news/index.html"),
        ("drill", "drills/fire/index.html"),
        ("case", "cases/fire/index.html"),
        ("page", "about/index.html"),
        ("articles", "articles/index.html"),
        ("drills", "drills/index.html"),
        ("area", "areas/enterprise/index.html"),
        ("tags", "tags/index.html"),
    ] {
        insta::assert_snapshot!(name, main_of(&html(&b, path)));
    }
}
