//! Members' accounts: sign-up, sign-in, sign-out and who is signed in. The session lives
//! in an HttpOnly cookie the app never reads; these bodies carry no secrets back.

use serde::{Deserialize, Serialize};

use crate::{Author, CommunityRef};

pub const NAME_MAX_CHARS: usize = 30;
pub const EMAIL_MAX_CHARS: usize = 254;
pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// `POST /account/sign-up`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignUp {
    /// Display name, 1 to 30 characters, shown as text everywhere.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email))]
    pub email: String,
    /// 8 to 128 characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::password))]
    pub password: String,
    /// The referral code the app kept from the link the visitor came by, if any. The
    /// server's own first-touch cookie wins over it; unknown codes are ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_code: Option<String>,
}

/// `POST /account/sign-in`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

/// A member's place in a community.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Moderator,
    Member,
}

impl Role {
    /// Owners and moderators may delete others' posts and comments in their community.
    pub fn moderates(self) -> bool {
        matches!(self, Role::Owner | Role::Moderator)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    pub community: CommunityRef,
    pub role: Role,
}

/// `GET /account/me`, and the answer to sign-up and sign-in: the signed-in member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub member: Author,
    pub email: String,
    /// The member's own referral code (8 Crockford base32 digits), for share links.
    pub referral_code: String,
    pub communities: Vec<Membership>,
    /// The member's role on the store's staff, if they are staff (the app shows the way to
    /// the console; the server checks the role on every staff request).
    pub staff: Option<crate::StaffRole>,
}

/// `PUT /account/avatar`: use one of the member's own uploads as their profile picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetAvatar {
    /// The `id` of an upload (`POST /uploads`) of the member's that no post has published.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::id))]
    #[serde(deserialize_with = "crate::whole::i64")]
    pub upload_id: i64,
}
