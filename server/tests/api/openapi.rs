//! The committed OpenAPI document (`api/openapi.json`) must match the generated one.

use crate::common;

use std::path::PathBuf;

use axum::http::StatusCode;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api/openapi.json")
}

#[test]
fn the_committed_openapi_document_is_current() {
    let generated = quanzi_server::openapi_json();
    let path = committed_path();
    if std::env::var_os("UPDATE_OPENAPI").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("writing api/openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "api/openapi.json is missing or out of date with the server's generated OpenAPI \
         document. Regenerate it with:\n\n    UPDATE_OPENAPI=1 cargo test -p quanzi-server \
         --test api openapi\n\nand commit the result."
    );
}

#[test]
fn the_document_is_openapi_3_1_and_lists_every_endpoint() {
    let doc: serde_json::Value =
        serde_json::from_str(&quanzi_server::openapi_json()).expect("JSON");
    assert!(doc["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.1")));
    for (method, path) in [
        ("get", "/api/v1/feed"),
        ("get", "/api/v1/posts/{id}"),
        ("get", "/api/v1/products/{id}"),
        ("get", "/api/v1/communities"),
        ("get", "/api/v1/communities/{slug}"),
        ("get", "/api/v1/health"),
        ("post", "/api/v1/account/sign-up"),
        ("post", "/api/v1/account/sign-in"),
        ("post", "/api/v1/account/sign-out"),
        ("get", "/api/v1/account/me"),
        ("get", "/api/v1/account/referrals"),
        ("post", "/api/v1/referrals/visits"),
        ("put", "/api/v1/account/avatar"),
        ("delete", "/api/v1/account/avatar"),
        ("post", "/api/v1/communities/{slug}/membership"),
        ("delete", "/api/v1/communities/{slug}/membership"),
        ("get", "/api/v1/communities/{slug}/members"),
        ("post", "/api/v1/uploads"),
        ("delete", "/api/v1/uploads/{id}"),
        ("get", "/api/v1/communities/{slug}/recommended"),
        ("post", "/api/v1/posts"),
        ("delete", "/api/v1/posts/{id}"),
        ("put", "/api/v1/posts/{id}/like"),
        ("delete", "/api/v1/posts/{id}/like"),
        ("get", "/api/v1/posts/{id}/comments"),
        ("post", "/api/v1/posts/{id}/comments"),
        ("delete", "/api/v1/comments/{id}"),
        ("get", "/api/v1/pickup-points"),
        ("get", "/api/v1/cart"),
        ("put", "/api/v1/cart/items/{product_id}"),
        ("post", "/api/v1/cart/merge"),
        ("get", "/api/v1/orders"),
        ("post", "/api/v1/orders"),
        ("get", "/api/v1/orders/{id}"),
        ("post", "/api/v1/orders/{id}/pay"),
        ("get", "/api/v1/groups/{id}"),
        ("get", "/api/v1/products/{id}/groups"),
    ] {
        let operation = &doc["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} missing");
        // Every operation documents its failures with the envelope.
        let responses = operation["responses"].as_object().expect("responses");
        assert!(
            responses
                .keys()
                .any(|status| status.starts_with('4') || status.starts_with('5')),
            "{method} {path} documents no error"
        );
    }
    // Writes document the Origin check, and member-only operations the session cookie.
    let create = &doc["paths"]["/api/v1/posts"]["post"];
    assert!(create["responses"]["403"]
        .to_string()
        .contains("bad_origin"));
    assert!(create["security"].to_string().contains("session"));
    assert!(doc["components"]["securitySchemes"]["session"].is_object());
    // Order and payment writes document their Idempotency-Key.
    for path in ["/api/v1/orders", "/api/v1/orders/{id}/pay"] {
        let params = doc["paths"][path]["post"]["parameters"].to_string();
        assert!(params.contains("Idempotency-Key"), "{path}: {params}");
    }
    // Error responses are documented with the envelope.
    let bad = &doc["paths"]["/api/v1/feed"]["get"]["responses"]["400"];
    assert!(bad.to_string().contains("ApiErrorBody"), "{bad}");
    for schema in [
        "Me",
        "SignUp",
        "SignIn",
        "NewPost",
        "LikeState",
        "Comment",
        "NewComment",
        "Upload",
        "SetAvatar",
        "Recommendation",
        "Referrals",
        "ReferralDay",
        "ReferralVisit",
        "CommunityMember",
        "Membership",
        "Role",
        "Post",
        "Product",
        "Community",
        "ApiErrorBody",
        "ErrorCode",
        "Money",
        "Cart",
        "CartMerge",
        "PickupPoint",
        "NewOrder",
        "Order",
        "Pay",
        "GroupBuy",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} missing"
        );
    }
}

#[tokio::test]
async fn the_server_publishes_the_document() {
    let app = common::app().await;
    let reply = common::get(&app.router, "/api/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("content-type").starts_with("application/json"));
    assert_eq!(reply.text(), quanzi_server::openapi_json());
}
