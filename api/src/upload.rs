//! Photos uploaded from the phone, before they are published in a post.

use serde::{Deserialize, Serialize};

use crate::Image;

/// Largest upload accepted, before resizing.
pub const UPLOAD_MAX_BYTES: usize = 8 * 1024 * 1024;
/// Longest side of a stored picture; larger uploads are scaled down.
pub const IMAGE_MAX_SIDE: u32 = 1600;

/// `POST /uploads` (multipart, one field `file`): the stored picture, not yet public.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Upload {
    pub id: i64,
    pub image: Image,
}
