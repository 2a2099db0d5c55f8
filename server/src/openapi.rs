//! The OpenAPI 3.1 document of `/api/v1`, generated from the `quanzi-api` types and the
//! handlers' `#[utoipa::path]` attributes. A copy is committed as `api/openapi.json`; a test
//! fails when it drifts.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use quanzi_api::{
    ApiError, ApiErrorBody, Author, Cart, CartLine, CartMerge, Comment, Community, CommunityMember,
    CommunityRef, ErrorCode, Fulfilment, GroupBuy, GroupOffer, GroupPrice, GroupState, Image,
    LikeState, LineRequest, Me, Membership, Money, NewComment, NewOrder, NewPost, Order, OrderLine,
    OrderStatus, Pay, PaymentState, PickupPoint, Post, PostSummary, Product, ProductCard, Purchase,
    Recommendation, ReferralDay, ReferralVisit, Referrals, Role, SetAvatar, SignIn, SignUp,
    StoryBlock, TestPayment, Upload,
};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Declares the session cookie, which the `security(("session" = []))` of the member-only
/// operations refer to.
struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::session::COOKIE_NAME,
                "Set by sign-up and sign-in; HttpOnly, SameSite=Lax. Over HTTPS it is \
                 `__Host-quanzi_session` and Secure. Every POST, PUT, PATCH and DELETE must \
                 also carry an `Origin` of this site (or `Sec-Fetch-Site: same-origin`), \
                 else 403 `bad_origin`.",
            ))),
        );
    }
}

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
    paths(
        crate::health,
        crate::account::sign_up,
        crate::account::sign_in,
        crate::account::sign_out,
        crate::account::me,
        crate::referral::referrals,
        crate::referral::record_visit,
        crate::avatar::set_avatar,
        crate::avatar::remove_avatar,
        crate::feed::feed,
        crate::post::get_post,
        crate::post::create_post,
        crate::post::delete_post,
        crate::like::like,
        crate::like::unlike,
        crate::comment::list_comments,
        crate::comment::create_comment,
        crate::comment::delete_comment,
        crate::upload::create_upload,
        crate::upload::delete_upload,
        crate::product::list_products,
        crate::product::get_product,
        crate::community::list_communities,
        crate::community::get_community,
        crate::membership::join,
        crate::membership::leave,
        crate::membership::list_members,
        crate::recommendation::list_recommended,
        crate::pickup::list_pickup_points,
        crate::cart::get_cart,
        crate::cart::set_item,
        crate::cart::merge,
        crate::order::create_order,
        crate::order::list_orders,
        crate::order::get_order,
        crate::order::pay,
        crate::group_buy::get_group,
        crate::group_buy::list_product_groups,
    ),
    components(schemas(
        ApiErrorBody, ApiError, ErrorCode, Money, Image, Author, CommunityRef, Community,
        CommunityMember, Role, Membership, Me, SignUp, SignIn, GroupPrice, GroupOffer,
        ProductCard, Post, NewPost, LikeState, PostSummary, Comment, NewComment, Upload,
        crate::upload::UploadForm, StoryBlock, Product, SetAvatar, Recommendation, Referrals,
        ReferralDay, ReferralVisit, LineRequest, CartLine, Cart, CartMerge,
        crate::cart::SetQuantity, PickupPoint, Fulfilment, Purchase, NewOrder, OrderStatus,
        TestPayment, Pay, PaymentState, OrderLine, Order, GroupState, GroupBuy,
    )),
    modifiers(&SessionCookie),
    tags(
        (name = "account", description = "Sign-up, sign-in, sign-out, the signed-in member, their picture and their referrals"),
        (name = "referrals", description = "Visits brought by members' referral links, as the app reports them \
            when the code came in a host container's launch parameter"),
        (name = "feed", description = "The content-first feed"),
        (name = "posts", description = "Content posts, their photos, likes and comments"),
        (name = "products", description = "Products and their group-buy offers"),
        (name = "orders", description = "The cart, pickup points, orders and paying for them. Order and payment \
            writes take an `Idempotency-Key` header: a retry with the same key gets the first answer back"),
        (name = "group-buys", description = "Group-buys (拼团): open groups of a product, and a group's page"),
        (name = "communities", description = "Communities (圈子) and their members"),
        (name = "meta", description = "Health"),
    )
)]
pub struct ApiDoc;

/// The document as committed: pretty JSON with a trailing newline.
pub fn document_json() -> String {
    match ApiDoc::openapi().to_pretty_json() {
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

/// `GET /api/openapi.json`.
pub async fn serve_document() -> impl IntoResponse {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.get_or_init(document_json).as_str(),
    )
}
