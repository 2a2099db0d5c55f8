//! All communities, loaded once per language for the whole app (the feed's chips and the
//! list). Created at the root: a remote owned by a page would die with that page.

use leptos::prelude::*;
use quanzi_api::{path, Community, Page};

use crate::ui::remote::{fetch, Remote};

pub fn provide_communities() {
    provide_context(fetch::<Page<Community>>(path::communities));
}

pub fn use_communities() -> Remote<Page<Community>> {
    expect_context()
}
