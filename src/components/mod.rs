//! Pieces several pages share: the post and product cards, the paging feed list, the share
//! control, membership chips, a product's open groups, the composer, the members' gate,
//! order states.
//! Components use state, the client and ui; never a page.

pub mod composer;
pub mod feed_list;
pub mod gate;
pub mod group_rules;
pub mod membership;
pub mod moderation;
pub mod open_groups;
pub mod order_status;
pub mod post_card;
pub mod product_card;
pub mod recommender;
pub mod report;
pub mod share;
