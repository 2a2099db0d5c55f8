//! What the app knows beyond one page, as provide/use pairs created at the root: who is
//! signed in, the cart's count, the communities, the referral code a visitor came with,
//! where the reader is (and was), the feed pages loaded so far, and the member's live
//! events.

pub mod cart;
pub mod communities;
pub mod events;
pub mod feed;
pub mod history;
pub mod referral;
pub mod router;
pub mod session;
