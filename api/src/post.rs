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
    /// What a member earns on one unit their link sells, at the lowest price on offer
    /// ("分享赚"; the app shows it to members only).
    pub share_earn: Money,
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
    /// Whether the signed-in member likes it (false for guests).
    pub viewer_liked: bool,
    /// Whether the signed-in member may delete it (its author, or a moderator).
    pub can_delete: bool,
}

pub const TITLE_MAX_CHARS: usize = 60;
pub const BODY_MAX_CHARS: usize = 2000;
pub const POST_MAX_IMAGES: usize = 9;
pub const POST_MAX_PRODUCTS: usize = 6;

/// `POST /posts`: a member's post in a community they belong to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPost {
    /// Community slug.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::slug))]
    pub community: String,
    /// 1 to 60 characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::title))]
    pub title: String,
    /// Paragraphs of plain text; 1 to 2000 characters in all.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::paragraphs))]
    pub body: Vec<String>,
    /// Ids of the author's own unpublished uploads, in order; at most 9.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::post_images))]
    #[serde(deserialize_with = "crate::whole::vec_i64")]
    pub images: Vec<i64>,
    /// Products to embed as cards (the "buyer show"); at most 6.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::post_products))]
    #[serde(deserialize_with = "crate::whole::vec_i64")]
    pub products: Vec<i64>,
}

/// The answer to `PUT` and `DELETE /posts/{id}/like`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LikeState {
    pub liked: bool,
    pub like_count: u32,
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
