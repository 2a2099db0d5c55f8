//! A community's recommendations: the products its members' posts tag (the "buyer show"),
//! most widely recommended first.

use serde::{Deserialize, Serialize};

use crate::ProductCard;

/// At most this many products are recommended.
pub const RECOMMENDATIONS_MAX: usize = 12;

/// `GET /communities/{slug}/recommended`: a product and how many members tagged it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    pub product: ProductCard,
    /// Distinct members whose posts in the community tag the product; 0 for one of its own
    /// products nobody has tagged yet (new on the shelf).
    pub recommenders: u32,
}
