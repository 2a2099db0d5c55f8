//! The API paths the app asks for, relative to [`crate::API_PREFIX`]. The server builds the
//! same ones for the first data it puts into a page's shell ([`crate::Route::first_data`]),
//! and the app takes that data only for exactly the path it would have asked for: one
//! builder for both, so they cannot drift apart.

use crate::route::encode_query_value;
use crate::FEED_LIMIT_DEFAULT;

pub fn product(id: i64) -> String {
    format!("/products/{id}")
}

pub fn post(id: i64) -> String {
    format!("/posts/{id}")
}

pub fn community(slug: &str) -> String {
    format!("/communities/{}", encode_query_value(slug))
}

/// A community's products on the shelf (all of them: a community has tens).
pub fn community_products(slug: &str) -> String {
    format!("/products?community={}", encode_query_value(slug))
}

/// Every community, the signed-in member's own first.
pub fn communities() -> String {
    "/communities".to_owned()
}

/// Who a referral code belongs to (`GET /referrers/{code}`), for "… 推荐给你".
pub fn referrer(code: &str) -> String {
    format!("/referrers/{code}")
}

/// A member's shop, by their referral code.
pub fn shop(code: &str) -> String {
    format!("/shops/{code}")
}

/// A pay-for-me link, by its token.
pub fn pay_link(token: &str) -> String {
    format!("/pay-links/{token}")
}

pub fn group(id: i64) -> String {
    format!("/groups/{id}")
}

/// The first page of a product's open groups (ten), as its page shows them.
pub fn product_groups(id: i64) -> String {
    format!("/products/{id}/groups?limit=10")
}

/// What a community's members recommend.
pub fn recommended(slug: &str) -> String {
    format!("/communities/{}/recommended", encode_query_value(slug))
}

/// Which posts a feed page lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feed<'a> {
    Everything,
    Community(&'a str),
    /// One member's posts.
    Author(i64),
}

/// One page of a feed: the first without a cursor, then each page's `next_cursor`.
pub fn feed(which: Feed<'_>, cursor: Option<&str>) -> String {
    let mut path = format!("/feed?limit={FEED_LIMIT_DEFAULT}");
    match which {
        Feed::Everything => {}
        Feed::Community(slug) => {
            path.push_str("&community=");
            path.push_str(&encode_query_value(slug));
        }
        Feed::Author(id) => path.push_str(&format!("&author={id}")),
    }
    if let Some(cursor) = cursor {
        path.push_str("&cursor=");
        path.push_str(&encode_query_value(cursor));
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_pages() {
        assert_eq!(feed(Feed::Everything, None), "/feed?limit=10");
        assert_eq!(
            feed(Feed::Community("cycling"), Some("1700-3")),
            "/feed?limit=10&community=cycling&cursor=1700-3"
        );
        assert_eq!(feed(Feed::Author(7), None), "/feed?limit=10&author=7");
        assert_eq!(
            feed(Feed::Everything, Some("a&b")),
            "/feed?limit=10&cursor=a%26b"
        );
    }

    #[test]
    fn items() {
        assert_eq!(product(18), "/products/18");
        assert_eq!(post(3), "/posts/3");
        assert_eq!(community("cycling"), "/communities/cycling");
        assert_eq!(group(1), "/groups/1");
        assert_eq!(product_groups(18), "/products/18/groups?limit=10");
        assert_eq!(recommended("cycling"), "/communities/cycling/recommended");
    }
}
