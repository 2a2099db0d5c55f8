//! Communities in the console (owners): a new community with its cover, and who moderates
//! each one. The owner who creates a community is its first member, as its owner; a
//! moderator is a member of it with the `moderator` role (joining it if they were not), so
//! the rules that already let moderators delete posts and comments apply to them.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use quanzi_api::{check, Community, ErrorCode, Moderator, NewCommunity, Role};
use serde_json::json;

use crate::communities::community::load_community;
use crate::communities::membership::{community_by_slug, role_name, role_of};
use crate::content::upload::{self, Claimant};
use crate::content::ContentState;
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{parse_id, parse_slug, PathSlug};
use crate::staff::{audit, Staff};
use crate::storage::db::now_ms;

/// A new community, its creator its owner. Owners only.
#[utoipa::path(
    post,
    path = "/staff/communities",
    tag = "staff",
    request_body = NewCommunity,
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 201, description = "Created; its creator is its owner", body = Community),
        (status = 400, description = "`bad_slug`, `bad_name`, `empty_text`, `text_too_long`, `bad_upload` (the cover is not your \
            unused upload), `bad_json` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`slug_taken`: another community has this address", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn create_community(
    State(content): State<ContentState>,
    lang: Lang,
    staff: Staff,
    JsonBody(body): JsonBody<NewCommunity>,
) -> Result<(StatusCode, Json<Community>), AppError> {
    staff.owner()?;
    let slug = parse_slug(&body.slug)?.to_owned();
    let name_zh = check::name(&body.name_zh)?;
    let name_en = check::name(&body.name_en)?;
    let description_zh = check::description(&body.description_zh)?;
    let description_en = check::description(&body.description_en)?;
    let now = now_ms();
    let mut tx = content.db.write().await?;
    // The insert decides: two owners creating one address at once get one community.
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO communities (slug, name_zh, name_en, description_zh, description_en,
             cover_url, cover_width, cover_height, cover_alt_zh, cover_alt_en, member_count)
         VALUES ($1, $2, $3, $4, $5, '', 1, 1, $2, $3, 1)
         ON CONFLICT (slug) DO NOTHING RETURNING id",
    )
    .bind(&slug)
    .bind(&name_zh)
    .bind(&name_en)
    .bind(&description_zh)
    .bind(&description_en)
    .fetch_optional(&mut *tx)
    .await?;
    let id = id.ok_or_else(|| {
        AppError::conflict(ErrorCode::SlugTaken, "another community has this address")
    })?;
    let cover = upload::claim(
        &mut tx,
        body.cover_upload_id,
        staff.member_id,
        Claimant::Community(id),
    )
    .await?;
    sqlx::query(
        "UPDATE communities SET cover_url = $2, cover_width = $3, cover_height = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(&cover.url)
    .bind(i64::from(cover.width))
    .bind(i64::from(cover.height))
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO memberships (community_id, member_id, role, joined_ms)
         VALUES ($1, $2, 'owner', $3)",
    )
    .bind(id)
    .bind(staff.member_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &staff,
        "community.create",
        &subject(&slug),
        json!(null),
        json!({ "slug": slug, "name_zh": name_zh, "name_en": name_en }),
    )
    .await?;
    let community = load_community(&mut tx, &slug, lang, Some(staff.member_id)).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(community)))
}

/// The member with this email moderates the community, joining it if they were not a
/// member; its owner stays its owner. Owners only.
#[utoipa::path(
    put,
    path = "/staff/communities/{slug}/moderators",
    tag = "staff",
    request_body = Moderator,
    params(PathSlug),
    responses(
        (status = 204, description = "They moderate it (again: nothing changes)"),
        (status = 400, description = "`bad_slug`, `bad_email`, `bad_json` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such community, or no member signs in with this email", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn add_moderator(
    State(content): State<ContentState>,
    staff: Staff,
    PathSlug(slug): PathSlug,
    JsonBody(body): JsonBody<Moderator>,
) -> Result<StatusCode, AppError> {
    staff.owner()?;
    let email = check::email(&body.email)?;
    let now = now_ms();
    let mut tx = content.db.write().await?;
    let (community_id, _) = community_by_slug(&mut tx, &slug, Lang::Zh).await?;
    let member_id: i64 = sqlx::query_scalar("SELECT member_id FROM accounts WHERE email = $1")
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found("no member signs in with this email"))?;
    let before = role_of(&mut tx, community_id, member_id).await?;
    if matches!(before, Some(Role::Owner | Role::Moderator)) {
        return Ok(StatusCode::NO_CONTENT);
    }
    // One statement decides, so a join at the same moment cannot make it fail or count the
    // member twice: a new row counts; a member's row becomes a moderator's.
    let joined: Option<i64> = sqlx::query_scalar(
        "INSERT INTO memberships (community_id, member_id, role, joined_ms)
         VALUES ($1, $2, 'moderator', $3)
         ON CONFLICT (community_id, member_id) DO UPDATE SET role = 'moderator'
             WHERE memberships.role = 'member'
         RETURNING joined_ms",
    )
    .bind(community_id)
    .bind(member_id)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    if joined == Some(now) && before.is_none() {
        sqlx::query("UPDATE communities SET member_count = member_count + 1 WHERE id = $1")
            .bind(community_id)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        &staff,
        "community.moderator.add",
        &subject(&slug),
        json!({ "member_id": member_id, "role": before.map(role_name) }),
        json!({ "member_id": member_id, "role": "moderator" }),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A moderator goes back to being a member of the community. Owners only.
#[utoipa::path(
    delete,
    path = "/staff/communities/{slug}/moderators/{member_id}",
    tag = "staff",
    params(
        PathSlug,
        ("member_id" = i64, Path, minimum = 1, maximum = 999_999_999_999_999_999_i64, description = "Member id: 1 to 18 digits, greater than 0"),
    ),
    responses(
        (status = 204, description = "They are a member again"),
        (status = 400, description = "`bad_slug` or `bad_id`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`forbidden`: not the store's owner, or `bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such community, or they do not moderate it", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn remove_moderator(
    State(content): State<ContentState>,
    staff: Staff,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<StatusCode, AppError> {
    staff.owner()?;
    let Ok(Path((slug, member_id))) = path else {
        return Err(AppError::bad_request(
            ErrorCode::BadRequest,
            "a malformed path",
        ));
    };
    let slug = parse_slug(&slug)?.to_owned();
    let member_id = parse_id(&member_id)?;
    let mut tx = content.db.write().await?;
    let (community_id, _) = community_by_slug(&mut tx, &slug, Lang::Zh).await?;
    let changed = sqlx::query(
        "UPDATE memberships SET role = 'member'
         WHERE community_id = $1 AND member_id = $2 AND role = 'moderator'",
    )
    .bind(community_id)
    .bind(member_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::not_found("they do not moderate this community"));
    }
    audit::record(
        &mut tx,
        &staff,
        "community.moderator.remove",
        &subject(&slug),
        json!({ "member_id": member_id, "role": "moderator" }),
        json!({ "member_id": member_id, "role": "member" }),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

fn subject(slug: &str) -> String {
    format!("community:{slug}")
}
