//! Comments on posts: a flat list, oldest first (newest last).

use serde::{Deserialize, Serialize};

use crate::Author;

pub const COMMENT_MAX_CHARS: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    pub id: i64,
    pub author: Author,
    /// Plain text. Never HTML.
    pub body: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// Whether the signed-in member may delete it (its author, or a moderator).
    pub can_delete: bool,
}

/// `POST /posts/{id}/comments`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewComment {
    /// 1 to 500 characters after trimming.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::comment))]
    pub body: String,
}
