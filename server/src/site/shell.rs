//! Serves the built app (Trunk's `dist/`): the HTML shell for the app's routes, with a fresh
//! CSP nonce per response, a truthful status code and, on shareable pages, the link preview's
//! tags (see `preview`); and the static files with cache headers that suit their names.

use std::net::SocketAddr;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context};
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRef, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use quanzi_api::Route;

use crate::commerce::context::Commerce;
use crate::commerce::expiry;
use crate::content::{upload, variant};
use crate::http::lang::Lang;
use crate::http::middleware::method_not_allowed;
use crate::referral::{self, ReferralState};
use crate::site::first_data;
use crate::site::html::escape_html;
use crate::site::preview::PreviewState;
use crate::site::preview::{self, Preview};
use crate::storage::db::Db;

/// The public origin when none is configured: the reference server's own address.
pub const DEFAULT_PUBLIC_ORIGIN: &str = "http://127.0.0.1:8080";

/// The app's `index.html`, prepared once at startup.
pub struct Web {
    dist: PathBuf,
    shell: Option<Shell>,
    /// Where the built app's packs are (`dist/app-manifest.json`), for their preloads.
    app: Option<AppManifest>,
    /// Whether the app asks this server's API: only then can the shell carry its answers.
    same_origin_api: bool,
    /// Sources allowed for fetch/XHR: ourselves, plus the API's origin when it lives elsewhere.
    connect_src: String,
    /// Where the site is reached (`https://shop.example`): share links and every absolute
    /// URL in link previews start with it.
    public_origin: String,
    /// Who may frame the shell (CSP `frame-ancestors`): ourselves and the host apps' pages.
    frame_ancestors: String,
}

/// The shell cut at each point where a `nonce` attribute goes, where the page's own
/// `<title>` and description go, and at the end of the body, so a response is a join.
struct Shell {
    /// Before the title, cut at each `<script` opening.
    before: Vec<String>,
    /// The template's own title and description, for pages without a preview.
    default_head: String,
    /// After them up to `</body>`, cut likewise.
    after: Vec<String>,
    /// `</body>` and what follows.
    end: Vec<String>,
}

/// `dist/app-manifest.json`, written by `cargo xtask build`.
#[derive(serde::Deserialize)]
struct AppManifest {
    /// `app-<hash>`, under `dist/`.
    folder: String,
    /// The main module's file in it.
    main: String,
    /// The split points that have a pack (`product` for `product.pack`).
    packs: Vec<String>,
}

/// What one page's shell carries beyond the template.
#[derive(Default)]
pub struct Landing {
    /// Its link preview's tags, in place of the template's title and description.
    pub preview: Option<String>,
    /// Preloads of its code and its largest picture, early in the head.
    pub preloads: String,
    /// Its top bar and largest picture, drawn before the app (`first_data::first_paint`),
    /// and the code's preloads, held back in `<template id=after-first-paint>` until the
    /// picture is on screen (the shell's start script moves them into the head).
    pub first_paint: String,
    /// Its first data, at the end of the body.
    pub data: String,
}

const HASHED_CACHE: &str = "public, max-age=31536000, immutable";
const STATIC_CACHE: &str = "public, max-age=86400";
const NOT_BUILT: &str = "The Quanzi app has not been built: dist/index.html is missing.\n\
                         Run `cargo xtask serve`, which builds the app and starts this server.\n";

impl Web {
    /// Reads `dist/index.html` (if present), applies `api_base` to it and tells it the public
    /// origin (`<meta name="quanzi-public-origin">`) and the host pages that may embed it
    /// (`<meta name="quanzi-embed-origins">`), all of which are checked here.
    pub fn load(
        dist: &FsPath,
        api_base: Option<&str>,
        public_origin: &str,
        embed_origins: &[String],
    ) -> anyhow::Result<Web> {
        let api_origin = match api_base {
            Some(base) => api_origin(base)?,
            None => None,
        };
        let public_origin = parse_public_origin(public_origin)?;
        let mut embedders: Vec<String> = Vec::with_capacity(embed_origins.len());
        for raw in embed_origins {
            let origin = parse_embed_origin(raw)?;
            if !embedders.contains(&origin) {
                embedders.push(origin);
            }
        }
        let embedders = embedders.join(" ");
        let index = dist.join("index.html");
        let shell = match std::fs::read_to_string(&index) {
            Ok(html) => {
                let html = match api_base {
                    Some(base) => rewrite_api_base(&html, base),
                    None => html,
                };
                let html = set_meta(&html, PUBLIC_ORIGIN_META, &public_origin);
                let html = set_meta(&html, EMBED_ORIGINS_META, &embedders);
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
        let app = read_manifest(dist)?;
        let same_origin_api = api_base.is_none_or(|base| base == quanzi_api::API_PREFIX);
        let connect_src = match api_origin {
            Some(origin) => format!("'self' {origin}"),
            None => "'self'".to_owned(),
        };
        let frame_ancestors = if embedders.is_empty() {
            "'self'".to_owned()
        } else {
            format!("'self' {embedders}")
        };
        Ok(Web {
            dist: dist.to_owned(),
            shell,
            app,
            same_origin_api,
            connect_src,
            public_origin,
            frame_ancestors,
        })
    }

    /// The public origin, as validated: scheme, host and port only, no trailing slash.
    pub fn public_origin(&self) -> &str {
        &self.public_origin
    }

    /// The shell with the given status (and the main module's preload), or 503 when the
    /// app is not built.
    pub fn page(&self, status: StatusCode) -> Response {
        let landing = Landing {
            preloads: self.main_preload(),
            ..Landing::default()
        };
        self.page_with(status, &landing)
    }

    /// A `<link rel=preload>` of the main module, when the build names it.
    fn main_preload(&self) -> String {
        self.app.as_ref().map_or_else(String::new, |app| {
            format!(
                "<link rel=preload as=fetch type=application/wasm crossorigin href=/{}/{}>",
                app.folder, app.main
            )
        })
    }

    /// `<link rel=preload>`s of the main module and of the pack that draws `route`, when the
    /// build has them.
    pub fn code_preloads(&self, route: &Route) -> String {
        let Some(app) = &self.app else {
            return String::new();
        };
        let mut links = self.main_preload();
        if let Some(pack) = route.pack().filter(|p| app.packs.iter().any(|q| q == p)) {
            links.push_str(&format!(
                "<link rel=preload as=fetch crossorigin href=/{}/{pack}.pack>",
                app.folder
            ));
        }
        links
    }

    /// The shell with what this page carries; `private` when it carries data, which may be
    /// the reader's own (what they like, their role).
    pub fn page_with(&self, status: StatusCode, landing: &Landing) -> Response {
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
             form-action 'self'; frame-ancestors {}",
            self.connect_src, self.frame_ancestors
        );
        let Ok(csp) = HeaderValue::from_str(&csp) else {
            tracing::error!("the CSP header is not a valid header value");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let cache = if landing.data.is_empty() {
            "no-cache"
        } else {
            "private, no-cache"
        };
        let mut res = (
            status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, cache),
            ],
            shell.render_with(&nonce, landing),
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
        // The page's own head goes where the template's title and description are; a page
        // never has two of either. `start..end` is the slot, `default_head` what fills it
        // on pages without a preview.
        let (html, start, end, default_head) =
            match (find_title(&html), find_meta(&html, "description")) {
                (Some((ts, te)), Some((ds, de))) if ds >= te && html[te..ds].trim().is_empty() => {
                    let default_head = html[ts..de].to_owned();
                    (html, ts, de, default_head)
                }
                // A description away from the title moves next to it.
                (Some((ts, te)), Some((ds, de))) => {
                    let description = html[ds..de].to_owned();
                    let without = format!("{}{}", &html[..ds], &html[de..]);
                    let shift = if ds < ts { de - ds } else { 0 };
                    let (ts, te) = (ts - shift, te - shift);
                    let default_head = format!("{}{description}", &without[ts..te]);
                    (without, ts, te, default_head)
                }
                (Some((ts, te)), None) => {
                    let default_head = html[ts..te].to_owned();
                    (html, ts, te, default_head)
                }
                (None, Some((ds, de))) => {
                    let default_head = html[ds..de].to_owned();
                    (html, ds, de, default_head)
                }
                (None, None) => {
                    let at = html
                        .to_ascii_lowercase()
                        .find("</head>")
                        .unwrap_or(html.len());
                    (html, at, at, String::new())
                }
            };
        let rest = &html[end..];
        let body_end = rest
            .to_ascii_lowercase()
            .rfind("</body>")
            .unwrap_or(rest.len());
        Shell {
            before: split_at_scripts(&html[..start]),
            default_head,
            after: split_at_scripts(&rest[..body_end]),
            end: split_at_scripts(&rest[body_end..]),
        }
    }

    #[cfg(test)]
    fn render(&self, nonce: &str) -> String {
        self.render_with(nonce, &Landing::default())
    }

    /// The page, each script with the nonce: the landing's preloads and preview (or the
    /// template's own title and description) in the head, its data at the end of the body.
    fn render_with(&self, nonce: &str, landing: &Landing) -> String {
        let attribute = format!(" nonce=\"{nonce}\"");
        let mut out = self.before.join(&attribute);
        out.push_str(&landing.preloads);
        out.push_str(landing.preview.as_deref().unwrap_or(&self.default_head));
        out.push_str(&self.after.join(&attribute));
        out.push_str(&landing.first_paint);
        out.push_str(&landing.data);
        out.push_str(&self.end.join(&attribute));
        out
    }
}

/// The build's manifest, if the app has been built by `cargo xtask build`; without one the
/// pages have no pack preloads.
fn read_manifest(dist: &FsPath) -> anyhow::Result<Option<AppManifest>> {
    let path = dist.join("app-manifest.json");
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .with_context(|| format!("reading {}", path.display())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err).with_context(|| format!("reading {}", path.display())),
    }
}

/// `html` cut just after each `<script`, where a nonce attribute goes.
fn split_at_scripts(html: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = html;
    while let Some(at) = find_script_open(rest) {
        let split = at + "<script".len();
        parts.push(rest[..split].to_owned());
        rest = &rest[split..];
    }
    parts.push(rest.to_owned());
    parts
}

/// Byte range of the first `<title>…</title>` (any case), if any.
fn find_title(html: &str) -> Option<(usize, usize)> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let close = lower[start..].find("</title>")?;
    Some((start, start + close + "</title>".len()))
}

/// Byte range of the first `<meta>` tag whose `name` is `name`, if any. Attributes are read
/// as HTML has them: in any order, double-, single- or unquoted (a minified shell has
/// `<meta content=/api/v1 name=quanzi-api-base>`).
fn find_meta(html: &str, name: &str) -> Option<(usize, usize)> {
    let lower = html.to_ascii_lowercase();
    let mut search = 0;
    while let Some(found) = lower[search..].find("<meta") {
        let start = search + found;
        let (end, attributes) = read_tag(html, start + "<meta".len())?;
        let named = attributes
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("name") && v.eq_ignore_ascii_case(name));
        if named && html[start + "<meta".len()..].starts_with(|c: char| c.is_ascii_whitespace()) {
            return Some((start, end));
        }
        search = end;
    }
    None
}

/// The attributes of a tag whose name ends at `from`, and the byte offset just past its
/// `>`; `None` when the tag never closes. Values are returned as written (not decoded).
fn read_tag(html: &str, from: usize) -> Option<(usize, Vec<(&str, &str)>)> {
    let bytes = html.as_bytes();
    let mut at = from;
    let mut attributes = Vec::new();
    let skip_space = |mut i: usize| {
        while bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
        {
            i += 1;
        }
        i
    };
    loop {
        at = skip_space(at);
        if *bytes.get(at)? == b'>' {
            return Some((at + 1, attributes));
        }
        let name_start = at;
        while bytes
            .get(at)
            .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/'))
        {
            at += 1;
        }
        let name = &html[name_start..at];
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        if bytes.get(at) != Some(&b'=') {
            attributes.push((name, ""));
            continue;
        }
        at += 1;
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let value = match bytes.get(at)? {
            quote @ (b'"' | b'\'') => {
                let value_start = at + 1;
                let len = bytes[value_start..].iter().position(|b| b == quote)?;
                at = value_start + len + 1;
                &html[value_start..value_start + len]
            }
            _ => {
                let value_start = at;
                while bytes
                    .get(at)
                    .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
                {
                    at += 1;
                }
                &html[value_start..at]
            }
        };
        attributes.push((name, value));
    }
}

/// The meta tag that tells the app the public origin, for its share links.
pub const PUBLIC_ORIGIN_META: &str = "quanzi-public-origin";
/// The meta tag that tells the app which host pages may embed it, separated by single
/// spaces: the only parents it talks to over `postMessage`.
pub const EMBED_ORIGINS_META: &str = "quanzi-embed-origins";

/// `html` with `<meta name="{name}" content="{value}" />`, value escaped: in place of the
/// template's tag of that name where it has one, else added at the end of the head.
fn set_meta(html: &str, name: &str, value: &str) -> String {
    let tag = format!(
        "<meta name=\"{name}\" content=\"{}\" />",
        escape_html(value)
    );
    if let Some((start, end)) = find_meta(html, name) {
        return format!("{}{tag}{}", &html[..start], &html[end..]);
    }
    match html.to_ascii_lowercase().find("</head>") {
        Some(at) => format!("{}{tag}{}", &html[..at], &html[at..]),
        None => {
            tracing::warn!("index.html has no </head>; <meta name=\"{name}\"> not added");
            html.to_owned()
        }
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

/// Sets `<meta name="quanzi-api-base">` to `base`, escaped.
fn rewrite_api_base(html: &str, base: &str) -> String {
    set_meta(html, "quanzi-api-base", base)
}

/// A `--public-origin` as the server uses it: see [`parse_origin`].
pub fn parse_public_origin(raw: &str) -> anyhow::Result<String> {
    Ok(parse_origin("--public-origin", raw)?
        .origin()
        .ascii_serialization())
}

/// An `--embed-origin`, a host page allowed to frame the app: see [`parse_origin`]. Never a
/// wildcard or `null`: the app posts messages to exactly these origins.
pub fn parse_embed_origin(raw: &str) -> anyhow::Result<String> {
    let url = parse_origin("--embed-origin", raw)?;
    // It becomes a CSP host-source, whose host is letters, digits, `-` and `.` (an
    // international name arrives here as punycode): a `*` would be a wildcard there, and
    // an IPv6 literal cannot be written there at all (browsers drop it).
    match url.host() {
        Some(url::Host::Domain(domain))
            if !domain
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.') =>
        {
            bail!("--embed-origin {raw:?} must name one host, without wildcards");
        }
        Some(url::Host::Ipv6(_)) => {
            bail!("--embed-origin {raw:?}: a CSP cannot name an IPv6 address; use a host name");
        }
        _ => {}
    }
    Ok(url.origin().ascii_serialization())
}

/// An absolute http(s) URL without credentials, path (other than `/`), query or fragment,
/// whose origin (`scheme://host[:port]`, lower-cased, default port dropped, no trailing
/// slash) is what the server uses. Anything else is refused at startup, naming the
/// `option` it came by.
fn parse_origin(option: &str, raw: &str) -> anyhow::Result<url::Url> {
    let url = url::Url::parse(raw.trim())
        .with_context(|| format!("{option} {raw:?} is not an http(s) URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        bail!("{option} {raw:?} must be an http:// or https:// origin");
    }
    if !url.username().is_empty() || url.password().is_some() {
        bail!("{option} must not carry credentials");
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        bail!("{option} {raw:?} must be an origin only, like https://shop.example");
    }
    Ok(url)
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

/// The app's pages (the public URL table, [`quanzi_api::Route`]), each landing with `?ref=`
/// recorded; the preview pictures; members' photos; anything else is a static file or the
/// 404 page.
pub fn routes<S>(state: &S) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    SiteState: FromRef<S>,
    PreviewState: FromRef<S>,
    ReferralState: FromRef<S>,
    Arc<upload::Store>: FromRef<S>,
{
    Router::new()
        .route("/og/p/{file}", get(preview::product_picture))
        .route("/og/posts/{file}", get(preview::post_picture))
        .route("/og/c/{file}", get(preview::community_picture))
        .route("/og/s/{file}", get(preview::shop_picture))
        // Members' photos, from the data directory rather than dist/.
        .route("/media/{name}", get(media))
        // The raw template must never be served: it lacks the nonce.
        .route("/index.html", get(not_found_page))
        .fallback(page_or_file)
        .layer(middleware::from_fn_with_state(
            ReferralState::from_ref(state),
            referral::landing,
        ))
}

/// What the pages need of the state: the shell, the database (previews) and the commerce
/// machinery (a group's page settles what is due first).
#[derive(Clone)]
pub struct SiteState {
    pub web: Arc<Web>,
    pub db: Db,
    pub commerce: Commerce,
}

impl<S> FromRef<S> for SiteState
where
    Arc<Web>: FromRef<S>,
    Db: FromRef<S>,
    Commerce: FromRef<S>,
{
    fn from_ref(state: &S) -> Self {
        SiteState {
            web: Arc::from_ref(state),
            db: Db::from_ref(state),
            commerce: Commerce::from_ref(state),
        }
    }
}

/// A member's photo, or the 404 page.
async fn media(
    State(state): State<SiteState>,
    State(uploads): State<Arc<upload::Store>>,
    name: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    req: Request,
) -> Response {
    let served = match name {
        Ok(axum::extract::Path(name)) => upload::serve_media(&uploads, &name, req).await,
        Err(_) => None,
    };
    served.unwrap_or_else(|| state.web.page(StatusCode::NOT_FOUND))
}

/// A path in the URL table is a page of the app; any other is a file from `dist/`.
async fn page_or_file(State(state): State<SiteState>, req: Request) -> Response {
    let Some(route) = Route::from_path(req.uri().path()) else {
        return static_file(state, req).await;
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        // A 405 names what the resource does allow (RFC 9110), as the API's routes do.
        let mut res = method_not_allowed().await.into_response();
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET,HEAD"));
        return res;
    }
    if matches!(route, Route::GroupBuy(_)) {
        // Settled first, so a preview never calls a group open after its deadline.
        if let Err(err) = expiry::settle(&state.commerce).await {
            // Logged already; the preview may then be a moment behind, the page still loads.
            tracing::warn!(
                code = err.code.as_str(),
                "could not settle before a group page"
            );
        }
    }
    // The body is not `Sync`: only the head is kept across the awaits.
    let (head, _) = req.into_parts();
    let mut landing = landing(&state, &route, &head).await;
    let has_preview = route.has_preview();
    let preview = preview_of(&state, route).await;
    let status = match preview {
        Ok(Some(preview)) => {
            landing.preview = Some(preview.head(state.web.public_origin()));
            StatusCode::OK
        }
        // Nothing by that key: 404 with the plain shell (the app then shows its not-found
        // page, and crawlers see the truth).
        Ok(None) if has_preview => StatusCode::NOT_FOUND,
        Ok(None) => StatusCode::OK,
        // Logged already; the app still loads and shows its error state.
        Err(status) => status,
    };
    state.web.page_with(status, &landing)
}

/// The page's preloads, first data and first paint (see `first_data`): only the code's
/// preloads when the app asks another server's API, whose answers this one cannot give.
async fn landing(state: &SiteState, route: &Route, req: &axum::http::request::Parts) -> Landing {
    let code = state.web.code_preloads(route);
    let mut landing = Landing::default();
    let api = req
        .extensions
        .get::<first_data::Api>()
        .filter(|_| state.web.same_origin_api);
    let Some(api) = api else {
        landing.preloads = code;
        return landing;
    };
    let peer = req.extensions.get::<ConnectInfo<SocketAddr>>().copied();
    let paths = first_data::paths(route, &req.uri);
    let answers = first_data::load(api, paths, &req.headers, peer).await;
    if let Some(first) = first_data::FirstAnswer::read(route, &answers) {
        if let Some((picture, sizes)) = first.largest_picture() {
            landing
                .preloads
                .push_str(&first_data::picture_preload(picture, sizes));
        }
        if let Some(paint) = first.first_paint().filter(|_| !embedded(req)) {
            landing.first_paint =
                format!("{paint}<template id=after-first-paint>{code}</template>");
        }
    }
    if landing.first_paint.is_empty() {
        landing.preloads.insert_str(0, &code);
    }
    landing.data = first_data::scripts(&answers, Lang::of(&req.headers));
    landing
}

/// Whether the page is opened inside a host app (`?embed=1`): the app then has no top bar,
/// so the first paint, which has one, would not match it.
fn embedded(req: &axum::http::request::Parts) -> bool {
    req.uri
        .query()
        .is_some_and(|q| q.split('&').any(|pair| pair == "embed=1"))
}

async fn not_found_page(State(state): State<SiteState>) -> Response {
    state.web.page(StatusCode::NOT_FOUND)
}

/// The page's link preview when its route names something that exists; the status to
/// answer with when it cannot be read.
async fn preview_of(state: &SiteState, route: Route) -> Result<Option<Preview>, StatusCode> {
    if state.web.shell.is_none() {
        return Err(StatusCode::SERVICE_UNAVAILABLE);
    }
    let db = &state.db;
    let preview = match route {
        Route::Product(id) => preview::product(db, id).await,
        Route::Post(id) => preview::post(db, id).await,
        Route::Community(slug) => preview::community(db, &slug).await,
        Route::GroupBuy(id) => preview::group(db, id).await,
        Route::Shop(code) => preview::shop(db, &code).await,
        Route::PayLink(token) => preview::pay_link(db, &token).await,
        // An order is its owner's business: the app asks the API, which answers 404 to
        // anyone else. The other pages have no preview of their own.
        _ => Ok(None),
    };
    preview.map_err(|err| err.status)
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
async fn static_file(state: SiteState, req: Request) -> Response {
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
    // A picture's phone-sized copy not made yet: its original stands in.
    let original = variant::original_request(&req);
    let mut res = match serve.clone().oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    };
    if let (StatusCode::NOT_FOUND, Some(original)) = (res.status(), original) {
        res = match serve.oneshot(original).await {
            Ok(res) => res,
            Err(never) => match never {},
        };
    }
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

    /// The shape `trunk build --release` writes: minified, attributes unquoted and in any
    /// order, the public origin's placeholder without a content.
    const MINIFIED: &str = "<!doctype html><html lang=zh-CN><meta charset=utf-8>\
        <meta content=/api/v1 name=quanzi-api-base><meta name=quanzi-public-origin>\
        <title>圈子 Quanzi</title><meta content=圈子：好物 name=description>\
        <link href=/icons/icon.svg rel=icon><script type=module>go()</script></head>\
        <body><noscript>x</noscript></body></html>";

    #[test]
    fn meta_tags_are_found_however_they_are_written() {
        assert_eq!(
            find_meta(MINIFIED, "quanzi-api-base").map(|(s, e)| &MINIFIED[s..e]),
            Some("<meta content=/api/v1 name=quanzi-api-base>")
        );
        assert_eq!(
            find_meta(MINIFIED, "quanzi-public-origin").map(|(s, e)| &MINIFIED[s..e]),
            Some("<meta name=quanzi-public-origin>")
        );
        let html = "<meta content='a>b' NAME='description' /><metadata name=x>";
        assert_eq!(find_meta(html, "description"), Some((0, 41)));
        assert_eq!(find_meta(html, "x"), None);
        assert_eq!(find_meta("<meta name=description", "description"), None);
    }

    #[test]
    fn a_minified_shell_gets_its_meta_tags_and_a_head_slot() {
        let html = rewrite_api_base(MINIFIED, "/backend/v1");
        let html = set_meta(&html, PUBLIC_ORIGIN_META, "https://shop.example");
        assert!(html.contains("<meta name=\"quanzi-api-base\" content=\"/backend/v1\" />"));
        assert!(html
            .contains("<meta name=\"quanzi-public-origin\" content=\"https://shop.example\" />"));
        assert_eq!(html.matches("quanzi-public-origin").count(), 1);
        let shell = Shell::new(&html);
        // Without a preview the page is the template, nonce added.
        assert_eq!(
            shell.render("N"),
            html.replace("<script type=module>", "<script nonce=\"N\" type=module>")
        );
        let page = shell.render_with("N", &preview("<title>T</title>"));
        assert!(page.contains("origin\" content=\"https://shop.example\" /><title>T</title><link"));
        assert_eq!(page.matches("<title>").count(), 1);
        assert!(!page.contains("description"));
    }

    fn preview(head: &str) -> Landing {
        Landing {
            preview: Some(head.to_owned()),
            ..Landing::default()
        }
    }

    #[test]
    fn preloads_open_the_head_and_data_closes_the_body() {
        let shell = Shell::new(MINIFIED);
        let page = shell.render_with(
            "N",
            &Landing {
                preview: Some("<title>T</title>".to_owned()),
                preloads: "<link rel=preload>".to_owned(),
                first_paint: "<div id=first-paint></div>".to_owned(),
                data: "<script type=\"application/json\">{}</script>".to_owned(),
            },
        );
        assert!(page.contains(
            "<meta name=quanzi-public-origin><link rel=preload><title>T</title><link href"
        ));
        assert!(page.ends_with(
            "<noscript>x</noscript><div id=first-paint></div>\
             <script type=\"application/json\">{}</script></body></html>"
        ));
    }

    #[test]
    fn a_description_away_from_the_title_moves_into_the_slot() {
        let shell = Shell::new(
            "<head><meta name=\"description\" content=\"d\" />\n<meta charset=\"utf-8\" />\
             <title>t</title></head>",
        );
        assert_eq!(
            shell.render("N"),
            "<head>\n<meta charset=\"utf-8\" /><title>t</title>\
             <meta name=\"description\" content=\"d\" /></head>"
        );
        assert_eq!(
            shell.render_with("N", &preview("X")),
            "<head>\n<meta charset=\"utf-8\" />X</head>"
        );
        // Neither: the slot is the end of the head.
        let shell = Shell::new("<head><meta charset=\"utf-8\" /></head><body></body>");
        assert_eq!(
            shell.render_with("N", &preview("X")),
            "<head><meta charset=\"utf-8\" />X</head><body></body>"
        );
    }

    #[test]
    fn public_origins() -> anyhow::Result<()> {
        assert_eq!(
            parse_public_origin("https://Shop.Example/")?,
            "https://shop.example"
        );
        assert_eq!(
            parse_public_origin("https://shop.example:443")?,
            "https://shop.example"
        );
        assert_eq!(
            parse_public_origin("http://127.0.0.1:8080")?,
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            parse_public_origin("http://[::1]:9000")?,
            "http://[::1]:9000"
        );
        for bad in [
            "",
            "shop.example",
            "//shop.example",
            "ftp://shop.example",
            "https://shop.example/store",
            "https://shop.example/?ref=1",
            "https://shop.example/#x",
            "https://u:p@shop.example",
            "javascript:alert(1)",
            "data:text/html,x",
        ] {
            assert!(parse_public_origin(bad).is_err(), "{bad} should be refused");
        }
        Ok(())
    }

    #[test]
    fn embed_origins() -> anyhow::Result<()> {
        assert_eq!(
            parse_embed_origin("http://127.0.0.1:9000")?,
            "http://127.0.0.1:9000"
        );
        assert_eq!(
            parse_embed_origin("https://shop.example")?,
            "https://shop.example"
        );
        assert_eq!(
            parse_embed_origin("HTTPS://Web.Telegram.ORG/")?,
            "https://web.telegram.org"
        );
        assert_eq!(
            parse_embed_origin("https://圈子.example")?,
            "https://xn--6cso3h.example"
        );
        for bad in [
            "*",
            "https://*.example",
            "https://a.example;script-src",
            "https://a_b.example",
            "https://a.example/path",
            "https://a.example?x",
            "https://a.example#x",
            "https://u@a.example",
            "javascript:x",
            "null",
            "//a.example",
            "a.example",
            "http://[::1]:9000",
            "",
        ] {
            let err = parse_embed_origin(bad).err();
            assert!(
                err.is_some_and(|e| format!("{e:#}").contains("--embed-origin")),
                "{bad:?} should be refused, naming its option"
            );
        }
        Ok(())
    }

    #[test]
    fn the_embed_origins_fill_their_meta_tag() {
        let html = "<head><meta name=\"quanzi-public-origin\" content=\"\" />\n\
                    <meta name=\"quanzi-embed-origins\" content=\"\" />\n<title>t</title></head>";
        let out = set_meta(
            html,
            EMBED_ORIGINS_META,
            "http://127.0.0.1:9000 https://shop.example",
        );
        assert_eq!(
            out,
            "<head><meta name=\"quanzi-public-origin\" content=\"\" />\n\
             <meta name=\"quanzi-embed-origins\" \
             content=\"http://127.0.0.1:9000 https://shop.example\" />\n<title>t</title></head>"
        );
        // As a minifier leaves the empty tag.
        let out = set_meta(
            "<meta name=quanzi-embed-origins content><title>t</title></head>",
            EMBED_ORIGINS_META,
            "https://shop.example",
        );
        assert_eq!(
            out,
            "<meta name=\"quanzi-embed-origins\" content=\"https://shop.example\" />\
             <title>t</title></head>"
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
