//! Which posts a feed list shows, the API path of each of its pages, and the pages a list
//! had loaded, kept so that a reader who opens a post and comes back finds the same posts
//! (and, with `state::history`, the same place) instead of the first page again.

use leptos::prelude::*;
use quanzi_api::{path, Post};

use crate::i18n::Lang;

/// Lists kept: the feed, a community, a member's posts — a back button's reach.
const KEPT: usize = 4;

/// Which posts a feed list shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedFilter {
    Everything,
    Community(String),
    /// One member's posts (the member area).
    Author(i64),
}

/// The API path of one feed page.
pub fn feed_path(filter: &FeedFilter, cursor: Option<&str>) -> String {
    let which = match filter {
        FeedFilter::Everything => path::Feed::Everything,
        FeedFilter::Community(slug) => path::Feed::Community(slug),
        FeedFilter::Author(id) => path::Feed::Author(*id),
    };
    path::feed(which, cursor)
}

/// What a list had loaded: its posts and where the next page starts (`None`: the end).
#[derive(Clone)]
pub struct Loaded {
    pub posts: Vec<Post>,
    pub cursor: Option<String>,
}

/// The lists loaded so far, by filter and language, newest last.
#[derive(Clone, Copy)]
pub struct KeptFeeds(StoredValue<Vec<(FeedFilter, Lang, Loaded)>>);

impl KeptFeeds {
    pub fn keep(&self, filter: FeedFilter, lang: Lang, loaded: Loaded) {
        self.0.update_value(|kept| {
            kept.retain(|(f, l, _)| (f, *l) != (&filter, lang));
            kept.push((filter, lang, loaded));
            if kept.len() > KEPT {
                kept.remove(0);
            }
        });
    }

    pub fn get(&self, filter: &FeedFilter, lang: Lang) -> Option<Loaded> {
        self.0.with_value(|kept| {
            kept.iter()
                .find(|(f, l, _)| (f, *l) == (filter, lang))
                .map(|(_, _, loaded)| loaded.clone())
        })
    }
}

pub fn provide_kept_feeds() {
    provide_context(KeptFeeds(StoredValue::new(Vec::new())));
}

pub fn use_kept_feeds() -> KeptFeeds {
    expect_context()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(n: usize) -> Loaded {
        Loaded {
            posts: Vec::new(),
            cursor: Some(n.to_string()),
        }
    }

    #[test]
    fn lists_are_kept_by_filter_and_language_the_latest_few() {
        let kept = KeptFeeds(StoredValue::new(Vec::new()));
        kept.keep(FeedFilter::Everything, Lang::ZhCn, loaded(1));
        kept.keep(FeedFilter::Everything, Lang::ZhCn, loaded(2));
        let cursor = |filter: &FeedFilter, lang| kept.get(filter, lang).and_then(|l| l.cursor);
        assert_eq!(
            cursor(&FeedFilter::Everything, Lang::ZhCn).as_deref(),
            Some("2")
        );
        assert!(kept.get(&FeedFilter::Everything, Lang::En).is_none());
        for author in 1..=4 {
            kept.keep(FeedFilter::Author(author), Lang::ZhCn, loaded(3));
        }
        // Four newer lists: the oldest has gone.
        assert!(kept.get(&FeedFilter::Everything, Lang::ZhCn).is_none());
        assert!(kept.get(&FeedFilter::Author(1), Lang::ZhCn).is_some());
    }

    #[test]
    fn feed_paths_name_their_filter() {
        assert_eq!(feed_path(&FeedFilter::Everything, None), "/feed?limit=10");
        assert_eq!(
            feed_path(&FeedFilter::Community("cycling".into()), Some("1700-3")),
            "/feed?limit=10&community=cycling&cursor=1700-3"
        );
        assert_eq!(
            feed_path(&FeedFilter::Author(7), None),
            "/feed?limit=10&author=7"
        );
    }
}
