//! Communities (圈子): interest groups whose members post and recommend products.

use serde::{Deserialize, Serialize};

use crate::Image;

/// A community in full: enough for the feed's filter chips and its own page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Community {
    /// URL-safe name, used in `/c/{slug}`.
    pub slug: String,
    pub name: String,
    pub description: String,
    pub cover: Image,
    pub member_count: u32,
}

/// The short form embedded in posts and products.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunityRef {
    pub slug: String,
    pub name: String,
}
