//! Content posts: stories by members, with products embedded as cards.

use serde::{Deserialize, Serialize};

use crate::{CommunityRef, Image, Money};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Author {
    pub id: i64,
    pub name: String,
    /// Absent when the member has no picture; the app draws their initial.
    pub avatar: Option<Image>,
}

/// A product as it appears inside a post or a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductCard {
    pub id: i64,
    pub title: String,
    pub image: Image,
    pub solo_price: Money,
    /// Present when the product has a group-buy offer.
    pub group: Option<crate::GroupPrice>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Post {
    pub id: i64,
    pub author: Author,
    pub title: String,
    /// Plain-text paragraphs. Never HTML.
    pub body: Vec<String>,
    pub images: Vec<Image>,
    pub community: CommunityRef,
    pub like_count: u32,
    pub comment_count: u32,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub products: Vec<ProductCard>,
}

/// The short form of a post, listed on a product page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostSummary {
    pub id: i64,
    pub title: String,
    pub author: Author,
    pub image: Option<Image>,
    pub like_count: u32,
    pub created_at: String,
}
