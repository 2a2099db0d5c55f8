//! Products: gallery, the story that sells them, prices and the group-buy offer.

use serde::{Deserialize, Serialize};

use crate::{CommunityRef, Image, Money, PostSummary};

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
    pub stock: u32,
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
