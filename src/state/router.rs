//! In-app navigation on top of leptos_router: a handle pages keep (`Nav`) to go somewhere
//! and to read where they are, the query reader for code that runs before the router, and
//! the rule that return paths stay on this site. Links are plain `<a href>` built with
//! `quanzi_api::href`; leptos_router turns same-origin clicks into history entries.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;

use crate::state::history;

/// leptos_router's navigate, kept: to an href, replacing the current entry or not.
type Go = Box<dyn Fn(&str, bool) + Send + Sync>;

/// Where the reader is and how to go elsewhere. `Copy`, so a task that finishes after an
/// `await` (a sign-in, a new post) can still navigate: leptos_router's own `use_navigate`
/// needs the component's context, which a task no longer has.
#[derive(Clone, Copy)]
pub struct Nav {
    /// The path, as leptos_router reads it.
    pub pathname: Memo<String>,
    /// The raw query string, without `?`.
    pub search: Memo<String>,
    query: Memo<ParamsMap>,
    go: StoredValue<Go>,
}

impl Nav {
    /// Goes to an in-app URL (path and query), as a new history entry, at the top.
    pub fn go(&self, href: &str) {
        history::leaving();
        self.go.with_value(|go| go(href, false));
    }

    /// Goes to an in-app URL in place of this one: a page that only sends the reader on
    /// (an empty checkout) is not where Back returns to.
    pub fn replace(&self, href: &str) {
        history::leaving();
        self.go.with_value(|go| go(href, true));
    }

    /// Path and query, as a link back to here (`/g/3?x=1`).
    pub fn href(&self) -> String {
        let path = self.pathname.get_untracked();
        let query = self.search.get_untracked();
        if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }
    }

    /// The value of `name` in the query string, if present and not empty (tracked).
    pub fn query_value(&self, name: &str) -> Option<String> {
        self.query
            .with(|query| query.get_str(name).map(str::to_owned))
            .filter(|value| !value.is_empty())
    }
}

/// Creates the handle; inside `<Router>`, which it reads.
pub fn provide_nav() -> Nav {
    let navigate = use_navigate();
    let location = leptos_router::hooks::use_location();
    let nav = Nav {
        pathname: location.pathname,
        search: location.search,
        query: location.query,
        go: StoredValue::new(Box::new(move |href: &str, replace: bool| {
            navigate(
                href,
                NavigateOptions {
                    replace,
                    ..NavigateOptions::default()
                },
            )
        })),
    };
    provide_context(nav);
    nav
}

pub fn use_nav() -> Nav {
    expect_context()
}

/// `name`'s value in `a=1&b=2`, percent-decoded. Callers still validate it (slugs, paths).
pub fn query_value(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| percent_decode(value))
        .filter(|value| !value.is_empty())
}

/// `%2Fc%2Fcycling` → `/c/cycling`; `None` for broken escapes or invalid UTF-8.
fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Where to return after signing in: only a path on this site (`/c/cycling?x=1`), never
/// `//evil.example`, `https://…` or `/\evil` (browsers read a backslash as a slash).
pub fn safe_return_path(raw: Option<&str>) -> String {
    match raw {
        Some(path) if is_in_app_path(path) => path.to_owned(),
        _ => "/".to_owned(),
    }
}

/// A path on this site: `/…`, but not `//host` or `/\host` (browsers read `\` as `/`), and
/// no control characters.
pub fn is_in_app_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_found_by_name() {
        assert_eq!(
            query_value("community=coffee&ref=AB12", "community").as_deref(),
            Some("coffee")
        );
        assert_eq!(query_value("ref=AB12", "community"), None);
        assert_eq!(query_value("community=", "community"), None);
        assert_eq!(query_value("", "community"), None);
        assert_eq!(
            query_value("next=%2Fc%2Fcycling", "next").as_deref(),
            Some("/c/cycling")
        );
        assert_eq!(query_value("q=%E9%AA%91", "q").as_deref(), Some("骑"));
        assert_eq!(query_value("q=%E9%A", "q"), None);
        assert_eq!(query_value("q=%FF", "q"), None);
    }

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(safe_return_path(Some("/c/cycling")), "/c/cycling");
        assert_eq!(safe_return_path(Some("/g/3?ref=AB12")), "/g/3?ref=AB12");
        for evil in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "",
            "/\nx",
        ] {
            assert_eq!(safe_return_path(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(safe_return_path(None), "/");
    }
}
