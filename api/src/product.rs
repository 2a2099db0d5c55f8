//! Products: gallery, the story that sells them, prices and the group-buy offer.

use serde::{Deserialize, Serialize};

use crate::{CommunityRef, Image, Money, PostSummary, ProductCard};

/// Query of `GET /products`: the products of one community (all of them, for the
/// composer's product tags), or of the whole store.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ProductQuery {
    /// A community slug.
    #[cfg_attr(feature = "openapi", param(schema_with = crate::schema::slug))]
    pub community: Option<String>,
}

/// The group price and how many people it takes, as shown on cards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupPrice {
    pub price: Money,
    /// People needed for the group price (2 or more).
    pub size: u32,
}

/// A product's group-buy offer in full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupOffer {
    pub price: Money,
    pub size: u32,
    /// How long a group stays open once started.
    pub window_hours: u32,
    pub kind: crate::GroupKind,
    /// A lottery's winners per group (below `size`); null for other kinds.
    pub lottery_winners: Option<u32>,
}

/// One block of a product's story: a paragraph or a picture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StoryBlock {
    Text { text: String },
    Image { image: Image },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Product {
    pub id: i64,
    pub title: String,
    /// One line under the title.
    pub subtitle: String,
    pub gallery: Vec<Image>,
    pub story: Vec<StoryBlock>,
    pub solo_price: Money,
    pub group_offer: Option<GroupOffer>,
    /// The product's flash sale running now, else its next one; null when none is coming.
    pub flash_sale: Option<crate::FlashSale>,
    /// What a member earns on one unit their link sells, at the lowest price on offer
    /// ("分享赚"; the app shows it to members only).
    pub share_earn: Money,
    pub stock: u32,
    /// False once the store has taken it off the shelf: its page still shows (old links
    /// live on in chats) and says so, and nobody can buy it.
    pub published: bool,
    /// Units in paid orders (refunded ones not counted).
    pub sold: u32,
    /// Groups of this product that filled.
    pub groups_formed: u32,
    /// Posts that tag this product (buyer shows), all of them.
    pub shows: u32,
    /// Posts that feature this product, newest first.
    pub posts: Vec<PostSummary>,
    pub community: CommunityRef,
}

/// Most gallery pictures of a product.
pub const GALLERY_MAX: usize = 9;
/// Most blocks in a product's story.
pub const STORY_MAX_BLOCKS: usize = 20;
/// A price, in minor units: 1 fen to ¥1,000,000.
pub const PRICE_MAX: i64 = 100_000_000;
/// Stock on hand: 0 to a million units.
pub const STOCK_MAX: i64 = 1_000_000;
/// People a group offer needs.
pub const GROUP_SIZES: std::ops::RangeInclusive<i64> = 2..=50;
/// How long a group stays open, in hours: up to a week.
pub const WINDOW_HOURS: std::ops::RangeInclusive<i64> = 1..=168;
/// A picture's text alternative, in characters (empty: the product's title).
pub const ALT_MAX_CHARS: usize = 120;

/// A picture of a product being edited: one just uploaded (`upload_id`, from `POST
/// /uploads`) or one it shows already (`url`, as the console read it). Exactly one of the two.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftPicture {
    #[serde(default, deserialize_with = "crate::whole::option_i64")]
    pub upload_id: Option<i64>,
    pub url: Option<String>,
    /// Text alternatives, at most 120 characters; empty: the product's title.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::alt))]
    #[serde(default)]
    pub alt_zh: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::alt))]
    #[serde(default)]
    pub alt_en: String,
}

/// One block of a product's story, in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DraftBlock {
    Text {
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::story_text))]
        text_zh: String,
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::story_text))]
        text_en: String,
    },
    Image {
        picture: DraftPicture,
    },
}

/// A group offer being edited: a price below the solo price, 2 to 50 people, open 1 to 168
/// hours; a lottery draws 1 winner or more, fewer than its size (`too_many_winners`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftOffer {
    /// Minor units of the product's currency.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::price))]
    #[serde(deserialize_with = "crate::whole::i64")]
    pub price: i64,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::group_size))]
    #[serde(deserialize_with = "crate::whole::i64")]
    pub size: i64,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::window_hours))]
    #[serde(deserialize_with = "crate::whole::i64")]
    pub window_hours: i64,
    /// Standard when absent.
    #[serde(default)]
    pub kind: crate::GroupKind,
    /// A lottery's winners per group: required for a lottery, absent otherwise.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::lottery_winners))]
    #[serde(default, deserialize_with = "crate::whole::option_i64")]
    pub lottery_winners: Option<i64>,
}

/// `POST /staff/products` and `PUT /staff/products/{id}`: a product in both languages, as
/// the owner edits it. Numbers outside their ranges are refused with their own codes
/// (`bad_price`, `group_price_too_high`, `bad_group_size`, `bad_window`, `bad_stock`), not
/// as malformed JSON; the group price must also be below the solo price.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductDraft {
    /// The community whose shelf it is on.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::slug))]
    pub community: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::title))]
    pub title_zh: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::title))]
    pub title_en: String,
    /// One line under the title (may be empty).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::subtitle))]
    #[serde(default)]
    pub subtitle_zh: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::subtitle))]
    #[serde(default)]
    pub subtitle_en: String,
    /// 1 to 9 pictures; the first is the card's.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::gallery))]
    pub gallery: Vec<DraftPicture>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::story))]
    #[serde(default)]
    pub story: Vec<DraftBlock>,
    /// Minor units (CNY).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::price))]
    #[serde(deserialize_with = "crate::whole::i64")]
    pub solo_price: i64,
    pub group_offer: Option<DraftOffer>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::stock))]
    #[serde(deserialize_with = "crate::whole::i64")]
    pub stock: i64,
}

/// `GET /staff/products/{id}`: a product as the console edits it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffProduct {
    pub id: i64,
    pub published: bool,
    pub draft: ProductDraft,
    /// Units in paid orders.
    pub sold: u32,
}

/// A row of the console's product list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffProductRow {
    pub card: ProductCard,
    pub community: CommunityRef,
    pub published: bool,
    pub stock: u32,
    pub sold: u32,
    /// The product's own commission rule, or the store's default.
    pub commission: crate::CommissionRule,
}
