//! Communities (圈子): interest groups whose members post and recommend products.

use serde::{Deserialize, Serialize};

use crate::{Author, Image, Role};

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
    /// A few members' faces, most recently joined first.
    pub faces: Vec<Author>,
    /// The signed-in member's role here; absent for guests and non-members.
    pub viewer_role: Option<Role>,
}

/// `GET /communities/{slug}/members`: who is in, with their role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunityMember {
    pub member: Author,
    pub role: Role,
}

/// The short form embedded in posts and products.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunityRef {
    pub slug: String,
    pub name: String,
}
