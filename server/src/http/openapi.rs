//! The OpenAPI 3.1 document of `/api/v1`, generated from the `quanzi-api` types and the
//! handlers' `#[utoipa::path]` attributes, which each capability's
//! router collects (`utoipa-axum`); here are the parts no route owns: info, tags, schemas. A copy is committed as `api/openapi.json`; a test
//! fails when it drifts.

use axum::body::Bytes;

use axum::http::header;
use axum::response::IntoResponse;
use quanzi_api::{
    ApiError, ApiErrorBody, Author, Cart, CartLine, CartMerge, Comment, Community, CommunityMember,
    CommunityRef, DraftBlock, DraftPicture, ErrorCode, Fulfilment, GroupBuy, GroupOffer,
    GroupPrice, GroupState, Image, LikeState, LineRequest, Me, Membership, Money, NewComment,
    NewOrder, NewPost, Order, OrderLine, OrderShelf, OrderStatus, Pay, PaymentState, PickupPoint,
    Post, PostSummary, Product, ProductCard, Purchase, Recommendation, ReferralDay, ReferralVisit,
    Referrals, Role, SetAvatar, SignIn, SignUp, StaffShelf, StoryBlock, TestPayment, Upload,
};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Quanzi API",
        version = "1.0.0",
        description = "The JSON contract of Quanzi (圈子), under `/api/v1`.\n\n\
            Money is integer minor units plus an ISO 4217 currency; times are RFC 3339 UTC; \
            lists are cursor pages (`items`, `next_cursor`); every error is \
            `{\"error\":{\"code\",\"message\"}}` with a stable snake_case code. \
            Text is in Chinese unless `Accept-Language` prefers English."
    ),
    components(schemas(
        ApiErrorBody, ApiError, ErrorCode, Money, Image, Author, CommunityRef, Community,
        CommunityMember, Role, Membership, Me, SignUp, SignIn, GroupPrice, GroupOffer,
        ProductCard, Post, NewPost, LikeState, PostSummary, Comment, NewComment, Upload,
        StoryBlock, Product, SetAvatar, Recommendation, Referrals,
        ReferralDay, ReferralVisit, LineRequest, CartLine, Cart, CartMerge,
        PickupPoint, Fulfilment, Purchase, NewOrder, OrderStatus,
        TestPayment, Pay, PaymentState, OrderLine, Order, GroupState, GroupBuy,
        // Named only as query parameters' types, which utoipa does not collect.
        OrderShelf, StaffShelf,
        // Named only inside the `schema_with` arrays of a product draft (`schema::gallery`).
        DraftPicture, DraftBlock,
    )),
    tags(
        (name = "account", description = "Sign-up, sign-in, sign-out, the signed-in member, their picture, their referrals, \
            their earnings and withdrawals, and the products in their shop"),
        (name = "shops", description = "Members' shops: the products a member features and their posts, every link \
            carrying their code"),
        (name = "referrals", description = "Visits brought by members' referral links, as the app reports them \
            when the code came in a host container's launch parameter"),
        (name = "feed", description = "The content-first feed"),
        (name = "posts", description = "Content posts, their photos, likes and comments"),
        (name = "products", description = "Products and their group-buy offers"),
        (name = "orders", description = "The cart, pickup points, orders and paying for them. Order and payment \
            writes take an `Idempotency-Key` header: a retry with the same key gets the first answer back"),
        (name = "group-buys", description = "Group-buys (拼团): open groups of a product, and a group's page"),
        (name = "communities", description = "Communities (圈子) and their members"),
        (name = "staff", description = "The store's console: orders to hand over, ship and refund, and the audit \
            log. Staff only (an owner, or a clerk at the pickup points they serve); everyone else gets 403 `forbidden`"),
        (name = "meta", description = "Health"),
    )
)]
pub struct ApiDoc;

/// A document as committed: pretty JSON with a trailing newline.
pub fn to_json(document: &utoipa::openapi::OpenApi) -> String {
    match document.to_pretty_json() {
        Ok(mut json) => {
            json.push('\n');
            json
        }
        // Serialising our own static document cannot fail in practice; say so if it does.
        Err(err) => {
            tracing::error!(error = %err, "cannot serialise the OpenAPI document");
            String::from("{}\n")
        }
    }
}

/// `GET /api/openapi.json`: the document, rendered once at startup.
pub async fn serve_document(document: Bytes) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document)
}
