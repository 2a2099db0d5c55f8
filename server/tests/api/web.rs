//! Serving the built app: the shell with a per-response CSP nonce and truthful status codes,
//! static files with the right cache headers, compression.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{app, app_with, get, request, Options, CSS, JS, PRECOMPRESSED, WASM};

/// The nonce of a CSP header's script-src.
fn csp_nonce(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("a nonce in the CSP") + "'nonce-".len();
    let len = csp[start..].find('\'').expect("closing quote");
    csp[start..start + len].to_owned()
}

/// The directive of a CSP header that starts with `name`, as written.
fn directive<'a>(csp: &'a str, name: &str) -> Option<&'a str> {
    csp.split(';')
        .map(str::trim)
        .find(|d| d.split(' ').next() == Some(name))
}

fn assert_shell(reply: &common::Reply) {
    assert!(
        reply.header("content-type").starts_with("text/html"),
        "{:?}",
        reply.headers
    );
    // A shell with the page's first data may hold the reader's own view: no shared cache.
    let cache = if reply.text().contains("data-api=") {
        "private, no-cache"
    } else {
        "no-cache"
    };
    assert_eq!(reply.header("cache-control"), cache);
    assert!(
        reply.text().contains("quanzi-api-base"),
        "not the app shell"
    );
}

#[tokio::test]
async fn the_shell_is_served_uncached_with_a_fresh_nonce_each_time() {
    let app = app().await;
    let first = get(&app.router, "/").await;
    let second = get(&app.router, "/").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_shell(&first);

    let csp = first.header("content-security-policy");
    let nonce = csp_nonce(csp);
    assert_eq!(nonce.len(), 24, "16 random bytes in base64");
    assert_ne!(nonce, csp_nonce(second.header("content-security-policy")));
    for directive in [
        "default-src 'self'",
        "'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self';",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "manifest-src 'self'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    // Unless host pages are configured, only the site itself may frame it.
    assert_eq!(
        directive(csp, "frame-ancestors"),
        Some("frame-ancestors 'self'")
    );

    // Every script that runs carries exactly this response's nonce (the first data is
    // JSON, which never runs).
    let html = first.text();
    let scripts =
        html.matches("<script").count() - html.matches("<script type=\"application/json\"").count();
    assert!(scripts >= 1);
    assert_eq!(
        html.matches(&format!("<script nonce=\"{nonce}\"")).count(),
        scripts
    );
    assert_eq!(html.matches("nonce=").count(), scripts);
    assert!(!second.text().contains(&nonce));

    assert_eq!(first.header("x-content-type-options"), "nosniff");
    assert_eq!(
        first.header("referrer-policy"),
        "strict-origin-when-cross-origin"
    );
    assert_eq!(
        first.header("permissions-policy"),
        "camera=(self), microphone=(), geolocation=()"
    );
}

#[tokio::test]
async fn app_routes_answer_200_and_missing_things_404() {
    let app = app().await;
    let store = common::store();
    let slug = store["communities"][0]["slug"]
        .as_str()
        .expect("slug")
        .to_owned();
    let ok = [
        "/".to_owned(),
        "/?ref=abc".to_owned(),
        "/p/1".to_owned(),
        "/p/1?ref=abc123".to_owned(),
        "/posts/1".to_owned(),
        format!("/c/{slug}"),
        format!("/c/{slug}?ref=x"),
        "/me".to_owned(),
        "/me/orders".to_owned(),
        "/me/orders/7".to_owned(),
        "/cart".to_owned(),
        "/checkout".to_owned(),
        "/me?ref=abc".to_owned(),
        "/communities".to_owned(),
        "/sign-in".to_owned(),
        "/sign-in?next=%2Fc%2Fcycling".to_owned(),
        "/sign-up".to_owned(),
        "/sign-up?next=/me&ref=abc".to_owned(),
    ];
    for uri in &ok {
        let reply = get(&app.router, uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        assert_shell(&reply);
    }
    let not_found = [
        "/p/999999",
        "/p/abc",
        "/p/0",
        "/p/99999999999999999999",
        "/posts/999999",
        "/posts/-1",
        "/c/no-such-circle",
        "/c/Bad_Slug",
        "/g/abc",
        // No such group (groups exist once a leader has paid).
        "/g/12345",
        "/me/orders/abc",
        "/me/orders/0",
        "/nope",
        "/p/1/extra",
        "/index.html",
        "/img/missing.jpg",
        "/%FF",
        "/media/nope.jpg",
        "/sign-in/extra",
    ];
    for uri in not_found {
        let reply = get(&app.router, uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert_shell(&reply);
        assert!(reply.header("content-security-policy").contains("'nonce-"));
    }
}

#[tokio::test]
async fn head_works_on_app_routes_and_files() {
    let app = app().await;
    for (uri, status) in [("/", StatusCode::OK), ("/p/999999", StatusCode::NOT_FOUND)] {
        let reply = request(&app.router, Method::HEAD, uri, &[]).await;
        assert_eq!(reply.status, status, "{uri}");
        assert!(reply.body.is_empty());
        assert!(reply.header("content-type").starts_with("text/html"));
    }
    let reply = request(&app.router, Method::HEAD, &format!("/{JS}"), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.is_empty());
}

#[tokio::test]
async fn other_methods_on_app_routes_are_405_with_allow() {
    let app = app().await;
    for uri in ["/", "/p/1", "/c/cycling", "/me/orders"] {
        let reply = request(
            &app.router,
            Method::POST,
            uri,
            &[("origin", "http://127.0.0.1:8080")],
        )
        .await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{uri}");
        assert_eq!(reply.header("allow"), "GET,HEAD", "{uri}");
        assert_eq!(reply.json()["error"]["code"], "method_not_allowed", "{uri}");
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_other_files_cached_a_day() {
    let app = app().await;
    for (file, content_type) in [
        (JS, "text/javascript"),
        (WASM, "application/wasm"),
        (CSS, "text/css"),
    ] {
        let reply = get(&app.router, &format!("/{file}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{file}");
        assert_eq!(
            reply.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert!(
            reply.header("content-type").starts_with(content_type),
            "{file}: {:?}",
            reply.headers
        );
    }
    for (file, content_type) in [
        ("/icons/icon.svg", "image/svg+xml"),
        ("/manifest.webmanifest", "application/manifest+json"),
    ] {
        let reply = get(&app.router, file).await;
        assert_eq!(reply.status, StatusCode::OK, "{file}");
        assert_eq!(reply.header("cache-control"), "public, max-age=86400");
        assert!(
            reply.header("content-type").starts_with(content_type),
            "{file}: {:?}",
            reply.headers
        );
    }
}

#[tokio::test]
async fn brotli_when_asked_for() {
    let app = app().await;
    for uri in [format!("/{JS}"), format!("/{WASM}"), "/".to_owned()] {
        let reply = request(&app.router, Method::GET, &uri, &[("accept-encoding", "br")]).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        assert_eq!(reply.header("content-encoding"), "br", "{uri}");
        assert!(reply
            .header("vary")
            .to_ascii_lowercase()
            .contains("accept-encoding"));
    }
    let plain = get(&app.router, &format!("/{JS}")).await;
    assert_eq!(plain.header("content-encoding"), "");
    let gzip = request(
        &app.router,
        Method::GET,
        &format!("/{JS}"),
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(gzip.header("content-encoding"), "gzip");
    assert!(gzip.body.len() < plain.body.len());
}

#[tokio::test]
async fn precompressed_files_are_sent_as_they_are_and_vary() {
    let app = app().await;
    let uri = format!("/{WASM}");
    let br = request(&app.router, Method::GET, &uri, &[("accept-encoding", "br")]).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.header("content-encoding"), "br");
    assert_eq!(&br.body[..], PRECOMPRESSED);
    assert!(br
        .header("vary")
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    assert!(br.header("cache-control").contains("immutable"));
    let plain = get(&app.router, &uri).await;
    assert_eq!(plain.header("content-encoding"), "");
    assert!(plain.body.starts_with(b"\0asm"));
    assert!(plain
        .header("vary")
        .to_ascii_lowercase()
        .contains("accept-encoding"));
}

#[tokio::test]
async fn the_raw_shell_is_never_served_as_a_file() {
    let app = app().await;
    for uri in [
        "/index.html",
        "//index.html",
        "/%69ndex.html",
        "/INDEX.HTML",
        "/img/../index.html",
    ] {
        let reply = get(&app.router, uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            reply.header("content-security-policy").contains("nonce-"),
            "{uri}"
        );
        assert_eq!(reply.header("cache-control"), "no-cache", "{uri}");
    }
}

#[tokio::test]
async fn api_base_is_rewritten_and_its_origin_allowed() {
    let app = app_with(Options {
        api_base: Some("https://api.example.com:8443/api/v1?x=1&y=2".to_owned()),
        ..Options::default()
    })
    .await;
    let reply = get(&app.router, "/").await;
    assert!(
        reply.text().contains(
            r#"<meta name="quanzi-api-base" content="https://api.example.com:8443/api/v1?x=1&amp;y=2" />"#
        ),
        "{}",
        reply.text()
    );
    assert!(reply
        .header("content-security-policy")
        .contains("connect-src 'self' https://api.example.com:8443;"));

    // A same-origin path changes the meta tag but not the CSP.
    let app = app_with(Options {
        api_base: Some("/backend/v1".to_owned()),
        ..Options::default()
    })
    .await;
    let reply = get(&app.router, "/").await;
    assert!(reply.text().contains(r#"content="/backend/v1""#));
    assert!(reply
        .header("content-security-policy")
        .contains("connect-src 'self';"));
}

#[tokio::test]
async fn only_the_configured_host_pages_may_frame_the_shell_and_the_app_learns_them() {
    let app = app().await;
    let reply = get(&app.router, "/").await;
    assert!(
        reply
            .text()
            .contains(r#"<meta name="quanzi-embed-origins" content="" />"#),
        "{}",
        reply.text()
    );

    let app = app_with(Options {
        embed_origins: vec![
            "http://127.0.0.1:9000".to_owned(),
            "HTTPS://Host.Example/".to_owned(),
            // Twice, spelled another way: once is enough.
            "http://127.0.0.1:9000/".to_owned(),
        ],
        ..Options::default()
    })
    .await;
    // Every shell: plain, with a link preview, and the 404 page.
    for (uri, status) in [
        ("/", StatusCode::OK),
        ("/p/1", StatusCode::OK),
        ("/nope", StatusCode::NOT_FOUND),
    ] {
        let reply = get(&app.router, uri).await;
        assert_eq!(reply.status, status, "{uri}");
        assert_eq!(
            directive(reply.header("content-security-policy"), "frame-ancestors"),
            Some("frame-ancestors 'self' http://127.0.0.1:9000 https://host.example"),
            "{uri}"
        );
        let html = reply.text();
        assert!(
            html.contains(
                r#"<meta name="quanzi-embed-origins" content="http://127.0.0.1:9000 https://host.example" />"#
            ),
            "{uri}: {html}"
        );
        assert_eq!(html.matches("quanzi-embed-origins").count(), 1, "{uri}");
    }
}

#[tokio::test]
async fn the_host_example_page_is_served_only_when_asked_for() {
    let files = [
        ("/dev/embed-host/", "text/html", "<iframe"),
        ("/dev/embed-host/host.js", "text/javascript", "quanziSend"),
        ("/dev/embed-host/host.css", "text/css", "#store"),
    ];
    let app = app().await;
    for (uri, _, _) in files {
        assert_eq!(
            get(&app.router, uri).await.status,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
    let app = app_with(Options {
        embed_example: true,
        ..Options::default()
    })
    .await;
    for (uri, content_type, marker) in files {
        let reply = get(&app.router, uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        assert!(
            reply.header("content-type").starts_with(content_type),
            "{uri}"
        );
        assert!(reply.text().contains(marker), "{uri}");
        let csp = reply.header("content-security-policy");
        assert_eq!(directive(csp, "script-src"), None, "{uri}: {csp}");
        assert_eq!(
            directive(csp, "default-src"),
            Some("default-src 'self'"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn a_bad_embed_origin_stops_startup_before_the_database_is_made() {
    for bad in ["*", "null", "https://a.example/path", "javascript:x", ""] {
        let dir = tempfile::tempdir().expect("dir");
        let mut config =
            quanzi_server::Config::new(dir.path().join("q.sqlite"), dir.path().join("dist"));
        config.embed_origins = vec!["https://ok.example".to_owned(), bad.to_owned()];
        let err = quanzi_server::app(&config).await.err();
        assert!(
            err.is_some_and(|e| format!("{e:#}").contains("--embed-origin")),
            "{bad:?}"
        );
        assert!(!dir.path().join("q.sqlite").exists(), "{bad:?}");
    }
}

#[tokio::test]
async fn a_bad_api_base_stops_startup() {
    let dir = tempfile::tempdir().expect("dir");
    let mut config =
        quanzi_server::Config::new(dir.path().join("q.sqlite"), dir.path().join("dist"));
    config.api_base = Some("javascript:alert(1)".to_owned());
    assert!(quanzi_server::app(&config).await.is_err());
}

#[tokio::test]
async fn without_a_built_app_the_api_serves_and_app_routes_say_503() {
    let app = app_with(Options {
        with_index: false,
        ..Options::default()
    })
    .await;
    for uri in ["/", "/p/1", "/p/999999", "/nope"] {
        let reply = get(&app.router, uri).await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{uri}");
        assert!(reply.header("content-type").starts_with("text/plain"));
        assert!(reply.text().contains("cargo xtask serve"));
    }
    let reply = get(&app.router, "/api/v1/health").await;
    assert_eq!(reply.status, StatusCode::OK);
    // Static files that exist are still served.
    let reply = get(&app.router, &format!("/{JS}")).await;
    assert_eq!(reply.status, StatusCode::OK);
}
