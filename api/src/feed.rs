//! The content-first feed: `GET /feed?cursor=&limit=&community=`, posts newest first.

use serde::{Deserialize, Serialize};

pub const FEED_LIMIT_DEFAULT: u32 = 10;
pub const FEED_LIMIT_MAX: u32 = 50;

/// Query of `GET /feed`. All fields optional; `cursor` is the opaque `next_cursor` of the
/// previous page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct FeedQuery {
    /// Opaque: the `next_cursor` of the previous page. Absent (or empty) for the first page.
    #[cfg_attr(feature = "openapi", param(schema_with = crate::schema::cursor))]
    pub cursor: Option<String>,
    /// 1 to 50, default 10.
    #[cfg_attr(feature = "openapi", param(schema_with = crate::schema::limit))]
    pub limit: Option<String>,
    /// A community slug to filter by.
    #[cfg_attr(feature = "openapi", param(schema_with = crate::schema::slug))]
    pub community: Option<String>,
    /// A member id: only their posts (a profile's list).
    #[cfg_attr(feature = "openapi", param(schema_with = crate::schema::id))]
    pub author: Option<String>,
}
