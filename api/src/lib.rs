//! The JSON contract of Quanzi (`/api/v1`), shared by the app and the reference server.
//!
//! Money is integer minor units plus an ISO currency; times are RFC 3339 UTC strings;
//! lists are cursor pages; errors are `{"error":{"code","message"}}` with a stable code.

pub mod account;
pub mod check;
pub mod comment;
pub mod common;
pub mod community;
pub mod earning;
pub mod feed;
pub mod flash_sale;
pub mod notification;
pub mod order;
pub mod params;
pub mod path;
pub mod pay_link;
pub mod post;
pub mod product;
pub mod recommendation;
pub mod referral;
pub mod report;
pub mod route;
#[cfg(feature = "openapi")]
pub mod schema;
pub mod shop;
pub mod staff;
pub mod upload;
pub mod variant;
pub mod whole;

pub use account::{Me, Membership, Role, SetAvatar, SignIn, SignUp};
pub use comment::{Comment, NewComment};
pub use common::{
    format_money, plain_amount, ApiError, ApiErrorBody, ErrorCode, Image, Money, Page,
};
pub use community::{Community, CommunityMember, CommunityRef};
pub use earning::{
    ApproveWithdrawal, CommissionRule, Earning, EarningKind, EarningState, Earnings,
    EarningsBalance, NewWithdrawal, RefuseWithdrawal, StaffWithdrawal, StoreCommission, TestPayout,
    Withdrawal, WithdrawalState,
};
pub use feed::{FeedQuery, FEED_LIMIT_DEFAULT, FEED_LIMIT_MAX};
pub use flash_sale::{FlashReminder, FlashSale, NewFlashSale, StaffFlashSale};
pub use notification::{Changed, Notification, NotificationKind, Unread};
pub use order::{
    Carrier, Cart, CartLine, CartMerge, Fulfilment, GroupBuy, GroupKind, GroupState, LineRequest,
    Lottery, LotteryTicket, NewOrder, Order, OrderCounts, OrderKind, OrderLine, OrderShelf,
    OrderStatus, Pay, PaymentState, PickupPoint, Purchase, Reorder, Shipment, TestPayment,
    IDEMPOTENCY_HEADER, QUANTITY_MAX,
};
pub use pay_link::{NewPayLink, OrderPayLink, PayLink, PayLinkState};
pub use post::{Author, LikeState, NewPost, Post, PostSummary, ProductCard};
pub use product::{
    DraftBlock, DraftOffer, DraftPicture, GroupOffer, GroupPrice, Product, ProductDraft,
    ProductQuery, StaffProduct, StaffProductRow, StoryBlock,
};
pub use recommendation::{Recommendation, RECOMMENDATIONS_MAX};
pub use referral::{
    parse_referral_code, ReferralDay, ReferralVisit, Referrals, Referrer, REFERRAL_CODE_LEN,
    REFERRAL_DAYS,
};
pub use report::{NewReport, Report, ReportReason};
pub use route::{href, href_with, Route};
pub use shop::{MyShop, Shop, SHOP_MAX};
pub use staff::{
    AuditEntry, Handover, Moderator, NewCommunity, Refund, Ship, StaffAssignment, StaffMe,
    StaffMember, StaffOrder, StaffRole, StaffShelf,
};
pub use upload::Upload;

/// The path prefix of every JSON resource.
pub const API_PREFIX: &str = "/api/v1";
