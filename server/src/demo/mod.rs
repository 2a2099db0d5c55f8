//! The demo store (`demo/store.json`, built into the binary): members, communities, products
//! and posts, loaded into a fresh database so the app has something to show.
//!
//! Every demo member can sign in at once: `member{id}@demo.quanzi`, password
//! [`DEMO_PASSWORD`]. They belong to each community they posted in; in each, the author of
//! the earliest post is its owner and the next distinct author a moderator.

use std::collections::{HashMap, HashSet};

use anyhow::{bail, ensure, Context};
use serde::Deserialize;
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use quanzi_api::Role;

use crate::communities::membership::role_name;
use crate::http::params::is_slug;
use crate::storage::db::{Db, Engine};

/// The demo store as shipped.
pub const STORE_JSON: &str = include_str!("../../demo/store.json");

/// The password every demo member shares (listed in the README; demo data only).
pub const DEMO_PASSWORD: &str = "quanzi-demo";

/// A demo member's sign-in email.
pub fn demo_email(member_id: i64) -> String {
    format!("member{member_id}@demo.quanzi")
}

/// At load time the newest post is moved to this long before now (the others keep their
/// spacing), so the feed always looks alive.
pub const NEWEST_POST_AGE: Duration = Duration::minutes(40);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Store {
    pub members: Vec<Member>,
    pub communities: Vec<Community>,
    pub products: Vec<Product>,
    pub posts: Vec<Post>,
    /// Where orders can be collected.
    pub pickup_points: Vec<PickupPoint>,
    /// The store's own people, who sign in with their email and the demo password.
    pub staff: Vec<StaffMember>,
}

/// A member of the store's staff: a member of their own, with the role and (a clerk) the
/// pickup points they serve.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffMember {
    pub name: String,
    pub email: String,
    pub role: quanzi_api::StaffRole,
    pub points: Vec<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PickupPoint {
    pub id: i64,
    pub name_zh: String,
    pub name_en: String,
    pub address_zh: String,
    pub address_en: String,
    /// Opening hours in words.
    pub hours_zh: String,
    pub hours_en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Img {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt_zh: String,
    pub alt_en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub avatar: Option<Img>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Community {
    pub slug: String,
    pub name_zh: String,
    pub name_en: String,
    pub description_zh: String,
    pub description_en: String,
    pub cover: Img,
    pub member_count: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub id: i64,
    pub community: String,
    pub title_zh: String,
    pub title_en: String,
    pub subtitle_zh: String,
    pub subtitle_en: String,
    pub gallery: Vec<Img>,
    pub story: Vec<Story>,
    pub solo_price: i64,
    pub group_price: Option<i64>,
    pub group_size: Option<u32>,
    pub window_hours: Option<u32>,
    pub stock: u32,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Story {
    Text { zh: String, en: String },
    Image { image: Img },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Post {
    pub id: i64,
    pub author: i64,
    pub community: String,
    pub created_at: String,
    pub title_zh: String,
    pub title_en: String,
    pub body_zh: Vec<String>,
    pub body_en: Vec<String>,
    pub images: Vec<Img>,
    pub products: Vec<i64>,
    pub like_count: u32,
    pub comments: Vec<DemoComment>,
}

/// A comment under a demo post, real like a member's: the post's count is these.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoComment {
    pub author: i64,
    /// Minutes after the post (kept in the past when the timeline is moved to now).
    pub after_minutes: u32,
    pub body: String,
}

/// Parses and checks a store: the references between its parts, and what the schema cannot
/// say (a product needs a card image; group offers need 2+ people).
pub fn parse(json: &str) -> anyhow::Result<Store> {
    let store: Store = serde_json::from_str(json).context("parsing the demo store")?;
    validate(&store)?;
    Ok(store)
}

impl Store {
    /// Every picture the store shows, once each, with its width: files in `dist/img/`.
    pub fn pictures(&self) -> Vec<(String, u32)> {
        let stories = self.products.iter().flat_map(|p| &p.story);
        let all = (self.members.iter().filter_map(|m| m.avatar.as_ref()))
            .chain(self.communities.iter().map(|c| &c.cover))
            .chain(self.products.iter().flat_map(|p| &p.gallery))
            .chain(stories.filter_map(|block| match block {
                Story::Image { image } => Some(image),
                Story::Text { .. } => None,
            }))
            .chain(self.posts.iter().flat_map(|p| &p.images));
        let mut seen = HashSet::new();
        all.filter(|img| seen.insert(img.url.as_str()))
            .map(|img| (img.url.clone(), img.width))
            .collect()
    }
}

fn validate(store: &Store) -> anyhow::Result<()> {
    let members: HashSet<i64> = store.members.iter().map(|m| m.id).collect();
    ensure!(members.len() == store.members.len(), "duplicate member ids");
    let slugs: HashSet<&str> = store.communities.iter().map(|c| c.slug.as_str()).collect();
    ensure!(
        slugs.len() == store.communities.len(),
        "duplicate community slugs"
    );
    for c in &store.communities {
        ensure!(
            is_slug(&c.slug),
            "community slug {:?} is not [a-z0-9-]{{1,64}}",
            c.slug
        );
    }
    let products: HashSet<i64> = store.products.iter().map(|p| p.id).collect();
    ensure!(
        products.len() == store.products.len(),
        "duplicate product ids"
    );
    for p in &store.products {
        ensure!(p.id > 0, "product id {} is not positive", p.id);
        ensure!(
            slugs.contains(p.community.as_str()),
            "product {} is in unknown community {}",
            p.id,
            p.community
        );
        ensure!(
            !p.gallery.is_empty(),
            "product {} has no gallery image",
            p.id
        );
        let group = [
            p.group_price.is_some(),
            p.group_size.is_some(),
            p.window_hours.is_some(),
        ];
        ensure!(
            group.iter().all(|g| *g) || group.iter().all(|g| !g),
            "product {}: group_price, group_size and window_hours go together",
            p.id
        );
        if let Some(size) = p.group_size {
            ensure!(
                size >= 2,
                "product {}: a group needs 2 or more people",
                p.id
            );
        }
    }
    let mut point_ids = HashSet::new();
    for p in &store.pickup_points {
        ensure!(
            p.id > 0 && point_ids.insert(p.id),
            "pickup point id {} is not positive or is repeated",
            p.id
        );
        let texts = [
            &p.name_zh,
            &p.name_en,
            &p.address_zh,
            &p.address_en,
            &p.hours_zh,
            &p.hours_en,
        ];
        ensure!(
            texts.iter().all(|t| !t.trim().is_empty()),
            "pickup point {} has an empty text",
            p.id
        );
    }
    for s in &store.staff {
        ensure!(
            quanzi_api::check::email(&s.email).is_ok() && quanzi_api::check::name(&s.name).is_ok(),
            "staff {}: a name and an email as members have them",
            s.email
        );
        ensure!(
            s.points.iter().all(|p| point_ids.contains(p)),
            "staff {}: a pickup point that is not in the store",
            s.email
        );
    }
    let mut post_ids = HashSet::new();
    for p in &store.posts {
        ensure!(
            p.id > 0 && post_ids.insert(p.id),
            "post id {} is not positive or is repeated",
            p.id
        );
        ensure!(
            members.contains(&p.author),
            "post {} has unknown author {}",
            p.id,
            p.author
        );
        ensure!(
            slugs.contains(p.community.as_str()),
            "post {} is in unknown community {}",
            p.id,
            p.community
        );
        let mut seen = HashSet::new();
        for product in &p.products {
            ensure!(
                products.contains(product),
                "post {} features unknown product {product}",
                p.id
            );
            ensure!(
                seen.insert(product),
                "post {} features product {product} twice",
                p.id
            );
        }
        for c in &p.comments {
            ensure!(
                members.contains(&c.author),
                "a comment on post {} has unknown author {}",
                p.id,
                c.author
            );
            let chars = c.body.chars().count();
            ensure!(
                (1..=quanzi_api::comment::COMMENT_MAX_CHARS).contains(&chars),
                "a comment on post {} is empty or too long",
                p.id
            );
        }
        OffsetDateTime::parse(&p.created_at, &Rfc3339).with_context(|| {
            format!(
                "post {}: created_at {:?} is not RFC 3339",
                p.id, p.created_at
            )
        })?;
    }
    Ok(())
}

/// The advisory lock of loading the demo store on PostgreSQL.
const DEMO_LOCK: i64 = 0x7175_616e_7a64; // "quanzd"

/// Loads the store into the database if it holds no communities yet, in one transaction.
/// Returns whether it loaded anything.
pub async fn load_if_empty(db: &Db, json: &str, now: OffsetDateTime) -> anyhow::Result<bool> {
    // Take the write lock before looking, so two servers starting on one fresh database do
    // not both load the store (on PostgreSQL a lock of the demo store's own, held until the
    // commit: its transaction reads before it writes).
    let mut tx = db
        .write()
        .await
        .map_err(|err| anyhow::anyhow!("opening the demo store's transaction: {}", err.message))?;
    if db.engine() == Engine::Postgres {
        // A second server waits for the first's load, however long it takes.
        sqlx::query("SET LOCAL statement_timeout = 0")
            .execute(&mut *tx)
            .await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(DEMO_LOCK)
            .execute(&mut *tx)
            .await?;
    }
    let communities: i64 = sqlx::query_scalar("SELECT count(*) FROM communities")
        .fetch_one(&mut *tx)
        .await?;
    if communities > 0 {
        // A store loaded by an older server gets what it lacks now: its demo members'
        // accounts and memberships (before schema v2), so its people can sign in too, and
        // the pickup points (before schema v5), so its orders can be collected.
        let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
            .fetch_one(&mut *tx)
            .await?;
        let points: i64 = sqlx::query_scalar("SELECT count(*) FROM pickup_points")
            .fetch_one(&mut *tx)
            .await?;
        let staff: i64 = sqlx::query_scalar("SELECT count(*) FROM staff")
            .fetch_one(&mut *tx)
            .await?;
        if accounts > 0 && points > 0 && staff > 0 {
            return Ok(false);
        }
        let store = parse(json)?;
        if accounts == 0 {
            add_people(&mut tx, &store, now).await?;
        }
        if points == 0 {
            add_pickup_points(&mut tx, &store).await?;
            move_sequences(&mut tx, db.engine(), &["pickup_points"]).await?;
        }
        // Before schema v9 the store had no staff.
        if staff == 0 {
            add_staff(&mut tx, &store, now).await?;
        }
        tx.commit().await?;
        return Ok(true);
    }
    let store = parse(json)?;
    insert(&mut tx, &store, now).await?;
    add_people(&mut tx, &store, now).await?;
    add_pickup_points(&mut tx, &store).await?;
    move_sequences(
        &mut tx,
        db.engine(),
        &["members", "products", "posts", "pickup_points"],
    )
    .await?;
    add_staff(&mut tx, &store, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// The store brings its own ids; PostgreSQL's identity columns do not move past them by
/// themselves, and the next new member would be given id 1 again. (SQLite's do.)
async fn move_sequences(
    tx: &mut AnyConnection,
    engine: Engine,
    tables: &[&str],
) -> anyhow::Result<()> {
    if engine == Engine::Postgres {
        for table in tables {
            sqlx::query(AssertSqlSafe(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )))
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}

async fn add_pickup_points(tx: &mut AnyConnection, store: &Store) -> anyhow::Result<()> {
    for p in &store.pickup_points {
        sqlx::query(
            "INSERT INTO pickup_points (id, name_zh, name_en, address_zh, address_en, hours_zh, hours_en)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(p.id)
        .bind(&p.name_zh)
        .bind(&p.name_en)
        .bind(&p.address_zh)
        .bind(&p.address_en)
        .bind(&p.hours_zh)
        .bind(&p.hours_en)
        .execute(&mut *tx)
        .await
        .with_context(|| format!("pickup point {}", p.id))?;
    }
    Ok(())
}

/// Gives the demo members accounts and seats them in the communities they posted in, from
/// the posts as stored. One Argon2id hash (with a fresh salt) serves all of them: they
/// share a published password anyway, and one hash instead of fourteen keeps a fresh
/// start (and every test's) quick.
async fn add_people(
    tx: &mut AnyConnection,
    store: &Store,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let hash = demo_password_hash()?;
    let now_ms = unix_ms(now)?;
    for m in &store.members {
        sqlx::query(
            "INSERT INTO accounts (member_id, email, password_hash, created_ms)
             SELECT id, $2, $3, $4 FROM members WHERE id = $1
             ON CONFLICT DO NOTHING",
        )
        .bind(m.id)
        .bind(demo_email(m.id))
        .bind(&hash)
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .with_context(|| format!("account of member {}", m.id))?;
    }
    // Each author's first post in each community, earliest first.
    let firsts = sqlx::query(
        "SELECT community_id, author_id, min(created_ms) AS first_ms, min(id) AS first_id
         FROM posts GROUP BY community_id, author_id
         ORDER BY community_id, first_ms, first_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut seated: HashMap<i64, usize> = HashMap::new();
    for row in &firsts {
        let (community_id, member_id, joined_ms): (i64, i64, i64) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        let place = seated.entry(community_id).or_default();
        let role = match *place {
            0 => Role::Owner,
            1 => Role::Moderator,
            _ => Role::Member,
        };
        *place += 1;
        sqlx::query(
            "INSERT INTO memberships (community_id, member_id, role, joined_ms)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(community_id)
        .bind(member_id)
        .bind(role_name(role))
        .bind(joined_ms)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// The store's staff, each a new member (never an existing one: in an older database a
/// member may have signed up under any id) with an account, a role and their points.
async fn add_staff(
    tx: &mut AnyConnection,
    store: &Store,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let hash = demo_password_hash()?;
    let now_ms = unix_ms(now)?;
    for s in &store.staff {
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT member_id FROM accounts WHERE email = $1")
                .bind(&s.email)
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some() {
            continue;
        }
        let id: i64 = sqlx::query_scalar("INSERT INTO members (name) VALUES ($1) RETURNING id")
            .bind(&s.name)
            .fetch_one(&mut *tx)
            .await
            .with_context(|| format!("staff member {}", s.email))?;
        sqlx::query(
            "INSERT INTO accounts (member_id, email, password_hash, created_ms) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(&s.email)
        .bind(&hash)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO staff (member_id, role, added_ms) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(s.role.as_str())
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        for point in &s.points {
            sqlx::query("INSERT INTO staff_points (member_id, point_id) VALUES ($1, $2)")
                .bind(id)
                .bind(point)
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(())
}

/// An Argon2id hash (with a fresh salt) of [`DEMO_PASSWORD`].
fn demo_password_hash() -> anyhow::Result<String> {
    crate::members::account::hash_password(DEMO_PASSWORD)
        .map_err(|err| anyhow::anyhow!("hashing the demo password: {}", err.message))
}

fn unix_ms(t: OffsetDateTime) -> anyhow::Result<i64> {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).context("time out of range")
}

/// A picture's five columns, bound in order.
fn bind_img<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    img: &'q Img,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    query
        .bind(&img.url)
        .bind(i64::from(img.width))
        .bind(i64::from(img.height))
        .bind(&img.alt_zh)
        .bind(&img.alt_en)
}

async fn insert(tx: &mut AnyConnection, store: &Store, now: OffsetDateTime) -> anyhow::Result<()> {
    for m in &store.members {
        let a = m.avatar.as_ref();
        sqlx::query(
            "INSERT INTO members (id, name, avatar_url, avatar_width, avatar_height, avatar_alt_zh, avatar_alt_en)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(m.id)
        .bind(&m.name)
        .bind(a.map(|a| a.url.as_str()))
        .bind(a.map(|a| i64::from(a.width)))
        .bind(a.map(|a| i64::from(a.height)))
        .bind(a.map(|a| a.alt_zh.as_str()))
        .bind(a.map(|a| a.alt_en.as_str()))
        .execute(&mut *tx)
        .await
        .with_context(|| format!("member {}", m.id))?;
    }

    let mut community_ids = HashMap::new();
    for c in &store.communities {
        let query = sqlx::query(
            "INSERT INTO communities (slug, name_zh, name_en, description_zh, description_en,
                 cover_url, cover_width, cover_height, cover_alt_zh, cover_alt_en, member_count)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(&c.slug)
        .bind(&c.name_zh)
        .bind(&c.name_en)
        .bind(&c.description_zh)
        .bind(&c.description_en);
        let id: i64 = bind_img(query, &c.cover)
            .bind(i64::from(c.member_count))
            .fetch_one(&mut *tx)
            .await
            .with_context(|| format!("community {}", c.slug))?
            .try_get(0)?;
        community_ids.insert(c.slug.as_str(), id);
    }
    let community_id = |slug: &str| match community_ids.get(slug) {
        Some(id) => Ok(*id),
        None => bail!("unknown community {slug}"),
    };

    for p in &store.products {
        sqlx::query(
            "INSERT INTO products (id, community_id, title_zh, title_en, subtitle_zh, subtitle_en,
                 currency, solo_price, group_price, group_size, window_hours, stock)
             VALUES ($1, $2, $3, $4, $5, $6, 'CNY', $7, $8, $9, $10, $11)",
        )
        .bind(p.id)
        .bind(community_id(&p.community)?)
        .bind(&p.title_zh)
        .bind(&p.title_en)
        .bind(&p.subtitle_zh)
        .bind(&p.subtitle_en)
        .bind(p.solo_price)
        .bind(p.group_price)
        .bind(p.group_size.map(i64::from))
        .bind(p.window_hours.map(i64::from))
        .bind(i64::from(p.stock))
        .execute(&mut *tx)
        .await
        .with_context(|| format!("product {}", p.id))?;
        for (position, img) in p.gallery.iter().enumerate() {
            let query = sqlx::query(
                "INSERT INTO product_images (product_id, position, url, width, height, alt_zh, alt_en)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(p.id)
            .bind(position as i64);
            bind_img(query, img).execute(&mut *tx).await?;
        }
        for (position, block) in p.story.iter().enumerate() {
            let position = position as i64;
            match block {
                Story::Text { zh, en } => sqlx::query(
                    "INSERT INTO product_story_blocks (product_id, position, kind, text_zh, text_en)
                     VALUES ($1, $2, 'text', $3, $4)",
                )
                .bind(p.id)
                .bind(position)
                .bind(zh)
                .bind(en)
                .execute(&mut *tx)
                .await?,
                Story::Image { image } => {
                    let query = sqlx::query(
                        "INSERT INTO product_story_blocks (product_id, position, kind,
                             image_url, image_width, image_height, image_alt_zh, image_alt_en)
                         VALUES ($1, $2, 'image', $3, $4, $5, $6, $7)",
                    )
                    .bind(p.id)
                    .bind(position);
                    bind_img(query, image).execute(&mut *tx).await?
                }
            };
        }
    }

    // Move the whole timeline so its newest post is NEWEST_POST_AGE old, to the second.
    let mut created = Vec::with_capacity(store.posts.len());
    for p in &store.posts {
        created.push(unix_ms(OffsetDateTime::parse(&p.created_at, &Rfc3339)?)?);
    }
    let now_ms = unix_ms(now)?;
    let target = unix_ms(now - NEWEST_POST_AGE)? / 1000 * 1000;
    let shift = created.iter().max().map_or(0, |newest| target - newest);

    for (p, created_ms) in store.posts.iter().zip(created) {
        sqlx::query(
            "INSERT INTO posts (id, author_id, community_id, created_ms, title, body, title_en, body_en,
                 like_count, comment_count)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0)",
        )
        .bind(p.id)
        .bind(p.author)
        .bind(community_id(&p.community)?)
        .bind(created_ms + shift)
        .bind(&p.title_zh)
        .bind(serde_json::to_string(&p.body_zh)?)
        .bind(&p.title_en)
        .bind(serde_json::to_string(&p.body_en)?)
        .bind(i64::from(p.like_count))
        .execute(&mut *tx)
        .await
        .with_context(|| format!("post {}", p.id))?;
        for c in &p.comments {
            // A comment on a recent post may not be in the future: it is then a minute old.
            let at =
                (created_ms + shift + i64::from(c.after_minutes) * 60_000).min(now_ms - 60_000);
            sqlx::query(
                "INSERT INTO comments (post_id, author_id, body, created_ms) VALUES ($1, $2, $3, $4)",
            )
            .bind(p.id)
            .bind(c.author)
            .bind(&c.body)
            .bind(at)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("a comment on post {}", p.id))?;
        }
        for (position, img) in p.images.iter().enumerate() {
            let query = sqlx::query(
                "INSERT INTO post_images (post_id, position, url, width, height, alt_zh, alt_en)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(p.id)
            .bind(position as i64);
            bind_img(query, img).execute(&mut *tx).await?;
        }
        for (position, product) in p.products.iter().enumerate() {
            sqlx::query(
                "INSERT INTO post_products (post_id, position, product_id) VALUES ($1, $2, $3)",
            )
            .bind(p.id)
            .bind(position as i64)
            .bind(product)
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Executor;

    #[test]
    fn the_shipped_store_is_valid() {
        let store = parse(STORE_JSON);
        assert!(store.is_ok(), "{:?}", store.err());
    }

    /// The owner can edit any demo product and save it as it is: its texts hold to the
    /// editor's limits (an English subtitle of 61 characters once made ten of them unsavable).
    #[test]
    fn every_demo_product_passes_the_editors_checks() {
        let Ok(store) = parse(STORE_JSON) else {
            panic!("the demo store parses");
        };
        let max = quanzi_api::post::TITLE_MAX_CHARS;
        for p in &store.products {
            for text in [&p.title_zh, &p.title_en] {
                assert!(
                    quanzi_api::check::product_title(text).is_ok(),
                    "{}: {text}",
                    p.id
                );
            }
            for text in [&p.subtitle_zh, &p.subtitle_en] {
                assert!(
                    quanzi_api::check::optional_line(text, max).is_ok(),
                    "product {}: {text:?} is over {max} characters",
                    p.id
                );
            }
        }
    }

    #[test]
    fn broken_references_are_refused() {
        let json = r#"{"members":[],"communities":[],"products":[],"pickup_points":[],"staff":[],"posts":[
            {"id":1,"author":1,"community":"x","created_at":"2026-01-01T00:00:00Z","title_zh":"","title_en":"",
             "body_zh":[],"body_en":[],"images":[],"products":[],"like_count":0,"comments":[]}]}"#;
        let err = parse(json).err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("unknown author")));
    }

    /// A fresh database file.
    async fn fresh(dir: &tempfile::TempDir) -> anyhow::Result<Db> {
        let path = dir.path().join("q.sqlite");
        Db::sqlite(&path, crate::storage::db::PoolSettings::default()).await
    }

    async fn count(db: &Db, sql: &'static str) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar(sql).fetch_one(db.pool()).await?)
    }

    #[tokio::test]
    async fn loads_once_and_shifts_the_newest_post_to_forty_minutes_ago() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = fresh(&dir).await?;
        let now = OffsetDateTime::now_utc();
        assert!(load_if_empty(&db, STORE_JSON, now).await?);
        assert!(!load_if_empty(&db, STORE_JSON, now).await?);
        let (newest, oldest, count): (i64, i64, i64) =
            sqlx::query_as("SELECT max(created_ms), min(created_ms), count(*) FROM posts")
                .fetch_one(db.pool())
                .await?;
        let store = parse(STORE_JSON)?;
        assert_eq!(count as usize, store.posts.len());
        let age = unix_ms(now)? - newest;
        assert!(
            (40 * 60_000..40 * 60_000 + 1000).contains(&age),
            "newest post is {age} ms old"
        );
        // Relative spacing is kept.
        let times: Vec<i64> = store
            .posts
            .iter()
            .map(|p| {
                OffsetDateTime::parse(&p.created_at, &Rfc3339)
                    .map_err(anyhow::Error::from)
                    .and_then(unix_ms)
            })
            .collect::<anyhow::Result<_>>()?;
        let span =
            times.iter().max().copied().unwrap_or(0) - times.iter().min().copied().unwrap_or(0);
        assert_eq!(newest - oldest, span);
        Ok(())
    }

    #[tokio::test]
    async fn demo_members_get_accounts_and_seats_also_in_an_older_database() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = fresh(&dir).await?;
        let now = OffsetDateTime::now_utc();
        assert!(load_if_empty(&db, STORE_JSON, now).await?);
        let seats = || async {
            sqlx::query_as::<_, (i64, i64, i64, i64)>(
                "SELECT (SELECT count(*) FROM accounts
                         WHERE member_id NOT IN (SELECT member_id FROM staff)),
                        (SELECT count(*) FROM memberships WHERE role = 'owner'),
                        (SELECT count(*) FROM memberships WHERE role = 'moderator'),
                        (SELECT count(DISTINCT community_id || '-' || author_id) FROM posts)",
            )
            .fetch_one(db.pool())
            .await
        };
        let (accounts, owners, moderators, authors) = seats().await?;
        let store = parse(STORE_JSON)?;
        assert_eq!(accounts as usize, store.members.len());
        assert_eq!(owners as usize, store.communities.len());
        assert_eq!(moderators as usize, store.communities.len());
        let members = count(&db, "SELECT count(*) FROM memberships").await?;
        assert_eq!(members, authors, "every author sits where they posted");
        let email: String = sqlx::query_scalar("SELECT email FROM accounts WHERE member_id = 1")
            .fetch_one(db.pool())
            .await?;
        assert_eq!(email, demo_email(1));

        // A database filled by a server from before accounts existed gets them on start.
        db.pool()
            .execute("DELETE FROM memberships; DELETE FROM accounts;")
            .await?;
        assert!(load_if_empty(&db, STORE_JSON, now).await?);
        assert_eq!(seats().await?, (accounts, owners, moderators, authors));
        assert!(!load_if_empty(&db, STORE_JSON, now).await?);

        // And one from before orders gets its pickup points.
        db.pool()
            .execute("DELETE FROM staff_points; DELETE FROM pickup_points;")
            .await?;
        assert!(load_if_empty(&db, STORE_JSON, now).await?);
        let points = count(&db, "SELECT count(*) FROM pickup_points").await?;
        assert_eq!(points as usize, store.pickup_points.len());
        assert!(points >= 3);
        assert_eq!(seats().await?, (accounts, owners, moderators, authors));
        assert!(!load_if_empty(&db, STORE_JSON, now).await?);

        // And one from before staff gets the store's owner and clerk, as new members.
        let staff_count = || count(&db, "SELECT count(*) FROM staff");
        assert_eq!(staff_count().await? as usize, store.staff.len());
        db.pool()
            .execute(
                "DELETE FROM staff_points; DELETE FROM staff;
                 DELETE FROM accounts WHERE email LIKE '%r@demo.quanzi' AND email NOT LIKE 'member%';",
            )
            .await?;
        assert!(load_if_empty(&db, STORE_JSON, now).await?);
        assert_eq!(staff_count().await? as usize, store.staff.len());
        assert!(!load_if_empty(&db, STORE_JSON, now).await?);
        Ok(())
    }
}
