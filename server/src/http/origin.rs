//! The Origin check: a state-changing request (POST, PUT, PATCH, DELETE) under `/api` must
//! come from a page of this very site. The session cookie is SameSite=Lax, which already
//! keeps it off most cross-site writes; this check is the second lock (GUIDE §5), and the
//! one that also holds for same-site-but-cross-origin pages and for old browsers.
//!
//! Decision, in order:
//! - `Origin` present: it must equal `{scheme}://{Host}` of the request, else 403.
//! - no `Origin`, `Sec-Fetch-Site` present: only `same-origin` or `none` (typed by the user)
//!   pass.
//! - neither header: allowed. Browsers send `Origin` on every cross-site POST, PUT, PATCH
//!   and DELETE (and modern ones `Sec-Fetch-Site` on every request), so a request with
//!   neither is not from a browser page: curl, a script, a test. Those carry no victim's
//!   cookies unless their author put them there, which is no forgery.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use quanzi_api::ErrorCode;

use crate::http::error::AppError;

/// The scheme the site is served over, as pages see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    /// HTTPS exactly when the session cookie is `Secure`: both say "behind TLS".
    pub fn of(secure: bool) -> Scheme {
        if secure {
            Scheme::Https
        } else {
            Scheme::Http
        }
    }

    /// Whether cookies are `Secure` (and the session cookie `__Host-`).
    pub fn secure(self) -> bool {
        self == Scheme::Https
    }

    fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

fn changes_state(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

/// Middleware: refuses cross-site writes with 403 `bad_origin`.
pub async fn check_origin(State(scheme): State<Scheme>, req: Request, next: Next) -> Response {
    if changes_state(req.method()) && !is_same_origin(req.headers(), req.uri(), scheme) {
        return AppError::forbidden(
            ErrorCode::BadOrigin,
            "this request must come from a page of this site",
        )
        .into_response();
    }
    next.run(req).await
}

/// The decision described at the top of this module.
pub fn is_same_origin(headers: &HeaderMap, uri: &Uri, scheme: Scheme) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN) {
        // HTTP/1.1 names the host in `Host`; HTTP/2 in the `:authority` part of the URI.
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .or_else(|| uri.authority().map(|a| a.as_str()));
        let (Ok(origin), Some(host)) = (origin.to_str(), host) else {
            return false;
        };
        let expected = format!("{}://{}", scheme.as_str(), host.trim());
        // `Origin: null` (sandboxed frames, some redirects) never matches.
        return origin.trim().eq_ignore_ascii_case(&expected);
    }
    match headers.get("sec-fetch-site").map(|v| v.as_bytes()) {
        Some(site) => site == b"same-origin" || site == b"none",
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn check(pairs: &[(&'static str, &'static str)], scheme: Scheme) -> bool {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_static(value));
        }
        is_same_origin(&headers, &Uri::from_static("/api/v1/posts"), scheme)
    }

    #[test]
    fn origins() {
        let host = ("host", "127.0.0.1:8080");
        assert!(check(
            &[host, ("origin", "http://127.0.0.1:8080")],
            Scheme::Http
        ));
        assert!(check(
            &[host, ("origin", "HTTP://127.0.0.1:8080")],
            Scheme::Http
        ));
        assert!(!check(
            &[host, ("origin", "https://127.0.0.1:8080")],
            Scheme::Http
        ));
        assert!(check(
            &[host, ("origin", "https://127.0.0.1:8080")],
            Scheme::Https
        ));
        assert!(!check(
            &[host, ("origin", "http://127.0.0.1:9999")],
            Scheme::Http
        ));
        assert!(!check(
            &[host, ("origin", "http://evil.example")],
            Scheme::Http
        ));
        assert!(!check(&[host, ("origin", "null")], Scheme::Http));
        assert!(!check(&[("origin", "http://127.0.0.1:8080")], Scheme::Http));
        // Without Origin, the fetch metadata decides.
        assert!(check(
            &[host, ("sec-fetch-site", "same-origin")],
            Scheme::Http
        ));
        assert!(check(&[host, ("sec-fetch-site", "none")], Scheme::Http));
        assert!(!check(
            &[host, ("sec-fetch-site", "same-site")],
            Scheme::Http
        ));
        assert!(!check(
            &[host, ("sec-fetch-site", "cross-site")],
            Scheme::Http
        ));
        // Not a browser: allowed.
        assert!(check(&[host], Scheme::Http));
    }
}
