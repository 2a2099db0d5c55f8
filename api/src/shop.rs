//! A member's shop (`/s/{code}`, their referral code): the products they chose to feature,
//! in the order they added them, and their posts that tag products. Every link on its page
//! carries their code, so whatever a visitor buys from it is credited to them.

use serde::{Deserialize, Serialize};

use crate::{Author, Post, ProductCard};

/// Products a member may feature in their shop.
pub const SHOP_MAX: usize = 30;
/// Their posts with product tags the shop shows, newest first.
pub const SHOP_POSTS: usize = 10;

/// `GET /shops/{code}`: a member's shop, as anyone sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Shop {
    /// The member's referral code: the shop's address, and the `ref` of its links.
    pub code: String,
    /// Whose shop it is: their name and picture.
    pub member: Author,
    /// The products they feature and that are on the shelf, in their order.
    pub products: Vec<ProductCard>,
    /// Their latest posts that tag products.
    pub posts: Vec<Post>,
}

/// `GET /account/shop`: the signed-in member's shop, as the product page's "add to my
/// shop" control needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyShop {
    pub code: String,
    /// The products featured, on the shelf or not, in their order.
    pub product_ids: Vec<i64>,
}
