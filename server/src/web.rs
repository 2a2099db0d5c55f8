//! Serves the built app (Trunk's `dist/`): the HTML shell for the app's routes, with a fresh
//! CSP nonce per response and a truthful status code, and the static files with cache
//! headers that suit their names.

use std::path::{Path as FsPath, PathBuf};

use anyhow::{bail, Context};
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::params::{is_slug, parse_id};
use crate::{community, post, product, upload, AppState};

/// The app's `index.html`, prepared once at startup.
pub struct Web {
    dist: PathBuf,
    shell: Option<Shell>,
    /// Sources allowed for fetch/XHR: ourselves, plus the API's origin when it lives elsewhere.
    connect_src: String,
}

/// The shell cut at each point where a `nonce` attribute goes, so a response is a join.
struct Shell {
    parts: Vec<String>,
}

const HASHED_CACHE: &str = "public, max-age=31536000, immutable";
const STATIC_CACHE: &str = "public, max-age=86400";
const NOT_BUILT: &str = "The Quanzi app has not been built: dist/index.html is missing.\n\
                         Run `cargo xtask serve`, which builds the app and starts this server.\n";

impl Web {
    /// Reads `dist/index.html` (if present) and applies `api_base` to it.
    pub fn load(dist: &FsPath, api_base: Option<&str>) -> anyhow::Result<Web> {
        let api_origin = match api_base {
            Some(base) => api_origin(base)?,
            None => None,
        };
        let index = dist.join("index.html");
        let shell = match std::fs::read_to_string(&index) {
            Ok(html) => {
                let html = match api_base {
                    Some(base) => rewrite_api_base(&html, base),
                    None => html,
                };
                Some(Shell::new(&html))
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                tracing::warn!(
                    "{} is missing: the API is served, the app answers 503 until it is built",
                    index.display()
                );
                None
            }
            Err(err) => {
                return Err(err).with_context(|| format!("reading {}", index.display()));
            }
        };
        let connect_src = match api_origin {
            Some(origin) => format!("'self' {origin}"),
            None => "'self'".to_owned(),
        };
        Ok(Web {
            dist: dist.to_owned(),
            shell,
            connect_src,
        })
    }

    /// The shell with the given status, or 503 when the app is not built.
    pub fn page(&self, status: StatusCode) -> Response {
        let Some(shell) = &self.shell else {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [
                    (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-cache"),
                ],
                NOT_BUILT,
            )
                .into_response();
        };
        let mut bytes = [0u8; 16];
        if let Err(err) = getrandom::fill(&mut bytes) {
            tracing::error!(error = %err, "no randomness for a CSP nonce");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        let nonce = base64::engine::general_purpose::STANDARD.encode(bytes);
        let csp = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data: blob:; font-src 'self'; \
             connect-src {}; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
             form-action 'self'",
            self.connect_src
        );
        let Ok(csp) = HeaderValue::from_str(&csp) else {
            tracing::error!("the CSP header is not a valid header value");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let mut res = (
            status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            shell.render(&nonce),
        )
            .into_response();
        res.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
        res
    }
}

impl Shell {
    fn new(html: &str) -> Shell {
        let html = strip_script_nonces(html);
        let mut parts = Vec::new();
        let mut rest = html.as_str();
        while let Some(at) = find_script_open(rest) {
            let split = at + "<script".len();
            parts.push(rest[..split].to_owned());
            rest = &rest[split..];
        }
        parts.push(rest.to_owned());
        Shell { parts }
    }

    fn render(&self, nonce: &str) -> String {
        self.parts.join(&format!(" nonce=\"{nonce}\""))
    }
}

/// Byte offset of the next `<script` opening tag (any case), if any.
fn find_script_open(html: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let needle = b"<script";
    let mut from = 0;
    while from + needle.len() <= bytes.len() {
        let at = from
            + bytes[from..]
                .windows(needle.len())
                .position(|w| w.eq_ignore_ascii_case(needle))?;
        let next = bytes.get(at + needle.len()).copied();
        if matches!(
            next,
            Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>' | b'/')
        ) {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

/// Removes `nonce="…"` attributes already in script tags (a placeholder left by a build
/// tool), so each tag carries exactly our nonce.
fn strip_script_nonces(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = find_script_open(rest) {
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e);
        out.push_str(&rest[..at]);
        let tag = &rest[at..tag_end];
        out.push_str(&remove_attribute(tag, "nonce"));
        rest = &rest[tag_end..];
    }
    out.push_str(rest);
    out
}

/// `tag` without its ` name="…"` attribute (double-quoted form only, as build tools write it).
fn remove_attribute(tag: &str, name: &str) -> String {
    let lower = tag.to_ascii_lowercase();
    let pattern = format!(" {name}=\"");
    match lower.find(&pattern) {
        Some(start) => {
            let value_start = start + pattern.len();
            match tag[value_start..].find('"') {
                Some(len) => format!("{}{}", &tag[..start], &tag[value_start + len + 1..]),
                None => tag.to_owned(),
            }
        }
        None => tag.to_owned(),
    }
}

/// Sets the `content` of `<meta name="quanzi-api-base" …>` to `base`, escaped.
fn rewrite_api_base(html: &str, base: &str) -> String {
    let mut search = 0;
    while let Some(found) = html[search..].find("<meta") {
        let start = search + found;
        let Some(len) = html[start..].find('>') else {
            break;
        };
        let end = start + len;
        let tag = &html[start..end];
        if tag.contains("name=\"quanzi-api-base\"") {
            if let Some(c) = tag.find("content=\"") {
                let value_start = start + c + "content=\"".len();
                if let Some(value_len) = html[value_start..end].find('"') {
                    return format!(
                        "{}{}{}",
                        &html[..value_start],
                        escape_attribute(base),
                        &html[value_start + value_len..]
                    );
                }
            }
        }
        search = end;
    }
    tracing::warn!(
        "index.html has no <meta name=\"quanzi-api-base\" content=\"…\">; --api-base not applied"
    );
    html.to_owned()
}

fn escape_attribute(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The origin to allow in `connect-src` for an API base: none for a same-origin path,
/// the scheme://host:port of an absolute http(s) URL. Anything else is refused at startup.
pub fn api_origin(base: &str) -> anyhow::Result<Option<String>> {
    if base.starts_with('/') && !base.starts_with("//") {
        return Ok(None);
    }
    let url = url::Url::parse(base)
        .with_context(|| format!("--api-base {base:?} is neither a /path nor an http(s) URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        bail!("--api-base {base:?} must be a /path or an http(s) URL");
    }
    if !url.username().is_empty() || url.password().is_some() {
        bail!("--api-base must not carry credentials");
    }
    Ok(Some(url.origin().ascii_serialization()))
}

/// A hashed file or folder name: a `-` followed by 12 or more hex digits, as in
/// `main-1a2b3c4d5e6f7a8.css` (Trunk prints its 64-bit hash without leading zeros, so it is
/// often shorter than 16) or the app's folder `app-1a2b3c4d5e6f7a8b`. Its content never
/// changes, so it may be cached forever.
pub fn is_hashed(file_name: &str) -> bool {
    file_name.match_indices('-').any(|(at, _)| {
        file_name[at + 1..]
            .bytes()
            .take_while(u8::is_ascii_hexdigit)
            .count()
            >= 12
    })
}

/// The app's routes (see GUIDE §4); anything else is a static file or the 404 page.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(app_page))
        .route("/me", get(app_page))
        .route("/sign-in", get(app_page))
        .route("/sign-up", get(app_page))
        .route("/communities", get(app_page))
        .route("/g/{id}", get(group_buy_page))
        .route("/p/{id}", get(product_page))
        .route("/posts/{id}", get(post_page))
        .route("/c/{slug}", get(community_page))
        // Members' photos, from the data directory rather than dist/.
        .route("/media/{name}", get(upload::media))
        // The raw template must never be served: it lacks the nonce.
        .route("/index.html", get(not_found_page))
        .fallback(static_file)
}

async fn app_page(State(state): State<AppState>) -> Response {
    state.web.page(StatusCode::OK)
}

async fn not_found_page(State(state): State<AppState>) -> Response {
    state.web.page(StatusCode::NOT_FOUND)
}

async fn group_buy_page(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    // Group-buys are not stored yet; only the id's shape can be checked.
    let ok = id.is_ok_and(|Path(raw)| parse_id(&raw).is_ok());
    state.web.page(if ok {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    })
}

async fn product_page(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let id = id.ok().and_then(|Path(raw)| parse_id(&raw).ok());
    page_if(&state, id, product::exists).await
}

async fn post_page(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let id = id.ok().and_then(|Path(raw)| parse_id(&raw).ok());
    page_if(&state, id, post::exists).await
}

async fn community_page(
    State(state): State<AppState>,
    slug: Result<Path<String>, PathRejection>,
) -> Response {
    let slug = slug.ok().map(|Path(raw)| raw).filter(|s| is_slug(s));
    page_if(&state, slug, |conn, slug: String| {
        community::exists(conn, &slug)
    })
    .await
}

/// The shell with 200 when `key` is well-formed and names something that exists, else 404
/// (the app then shows its not-found page, and crawlers see the truth).
async fn page_if<K, F>(state: &AppState, key: Option<K>, exists: F) -> Response
where
    K: Send + 'static,
    F: FnOnce(&rusqlite::Connection, K) -> Result<bool, crate::AppError> + Send + 'static,
{
    if state.web.shell.is_none() {
        return state.web.page(StatusCode::SERVICE_UNAVAILABLE);
    }
    let Some(key) = key else {
        return state.web.page(StatusCode::NOT_FOUND);
    };
    match state.db(move |conn| exists(conn, key)).await {
        Ok(true) => state.web.page(StatusCode::OK),
        Ok(false) => state.web.page(StatusCode::NOT_FOUND),
        // Logged already; the app still loads and shows its error state.
        Err(err) => state.web.page(err.status),
    }
}

/// Whether a file name, percent-decoded, is `index.html` in any case.
fn is_index_html(name: &str) -> bool {
    let bytes = name.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    decoded.eq_ignore_ascii_case(b"index.html")
}

/// A file from `dist/`, or the app's 404 page.
async fn static_file(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    // The raw shell has no nonce and would be cached as a plain file: however its name is
    // spelled (`//index.html`, `/%69ndex.html`), only the rendered page is served.
    let name = path.rsplit('/').next().unwrap_or("");
    if is_index_html(name) {
        return state.web.page(StatusCode::NOT_FOUND);
    }
    // `cargo xtask` writes `.br` copies of the wasm, js and css at build time: served as
    // they are, no per-request compression of the largest files.
    let serve = ServeDir::new(&state.web.dist)
        .append_index_html_on_directories(false)
        .precompressed_br();
    let res = match serve.oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        return state.web.page(StatusCode::NOT_FOUND);
    }
    let mut res = res.map(Body::new);
    // Precompressed `.br` files bypass the compression layer, which would add this.
    res.headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        // `cargo xtask build` puts the wasm and its js in `app-<hash>/`.
        let cache = if path.split('/').any(is_hashed) {
            HASHED_CACHE
        } else {
            STATIC_CACHE
        };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names() {
        assert!(is_hashed("quanzi-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed("quanzi-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed("main-0123456789abcdef0123.css"));
        assert!(is_hashed("quanzi-639b3f103a1f271.js"));
        assert!(!is_hashed("quanzi-1a2b3c4d.js"));
        assert!(!is_hashed("icon-192.png"));
        assert!(!is_hashed("manifest.webmanifest"));
        assert!(!is_hashed("1a2b3c4d5e6f7a8b9c.js"));
    }

    #[test]
    fn every_script_tag_gets_the_nonce_once() {
        let shell = Shell::new(
            "<head><script type=\"module\" nonce=\"{{x}}\">a()</script>\
             <SCRIPT>b()</SCRIPT><scripts></scripts><script\nsrc=\"/x.js\"></script></head>",
        );
        let html = shell.render("N0NCE");
        assert_eq!(
            html,
            "<head><script nonce=\"N0NCE\" type=\"module\">a()</script>\
             <SCRIPT nonce=\"N0NCE\">b()</SCRIPT><scripts></scripts>\
             <script nonce=\"N0NCE\"\nsrc=\"/x.js\"></script></head>"
        );
    }

    #[test]
    fn api_base_is_rewritten_and_escaped() {
        let html =
            "<meta charset=\"utf-8\" />\n<meta name=\"quanzi-api-base\" content=\"/api/v1\" />";
        let out = rewrite_api_base(html, "https://api.example.com/v1?a=1&b=\"2\"");
        assert_eq!(
            out,
            "<meta charset=\"utf-8\" />\n<meta name=\"quanzi-api-base\" \
             content=\"https://api.example.com/v1?a=1&amp;b=&quot;2&quot;\" />"
        );
    }

    #[test]
    fn api_origins() -> anyhow::Result<()> {
        assert_eq!(api_origin("/api/v1")?, None);
        assert_eq!(
            api_origin("https://API.example.com:8443/api/v1")?,
            Some("https://api.example.com:8443".to_owned())
        );
        assert_eq!(
            api_origin("http://127.0.0.1:9000/api/v1")?,
            Some("http://127.0.0.1:9000".to_owned())
        );
        for bad in [
            "//evil.example/api",
            "ftp://x/y",
            "api/v1",
            "https://u:p@x.example/",
            "javascript:alert(1)",
        ] {
            assert!(api_origin(bad).is_err(), "{bad} should be refused");
        }
        Ok(())
    }
}
