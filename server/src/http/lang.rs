//! The response language, chosen from `Accept-Language`: English when the preferred tag is
//! English, Chinese (zh-CN) otherwise.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use axum::http::HeaderMap;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A header with more entries than this is hostile or broken; the rest are ignored.
const MAX_ENTRIES: usize = 32;

impl Lang {
    /// The language a request's `Accept-Language` asks for (Chinese without one).
    pub fn of(headers: &HeaderMap) -> Lang {
        headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or_default()
    }

    /// Picks the entry with the highest q-value (the first one among equals); English if its
    /// primary subtag is `en`, else Chinese. Malformed entries are skipped.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(u16, &str)> = None;
        for entry in header.split(',').take(MAX_ENTRIES) {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or("").trim();
            if tag.is_empty() {
                continue;
            }
            let mut q = Some(1000);
            for param in parts {
                if let Some((key, value)) = param.split_once('=') {
                    if key.trim().eq_ignore_ascii_case("q") {
                        q = parse_q(value.trim());
                    }
                }
            }
            let Some(q) = q else { continue };
            if q > 0 && best.is_none_or(|(best_q, _)| q > best_q) {
                best = Some((q, tag));
            }
        }
        match best {
            Some((_, tag)) if primary_subtag(tag).eq_ignore_ascii_case("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    /// The tag the app sends for this language (`Accept-Language: zh-CN`), which names the
    /// language of the data in a page's shell.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The Chinese or the English of a pair.
    pub fn pick<T>(self, zh: T, en: T) -> T {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

fn primary_subtag(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// A q-value (`0`, `0.5`, `1.000`) in thousandths; `None` when malformed.
fn parse_q(value: &str) -> Option<u16> {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut thousandths: u16 = match int {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    };
    for (i, digit) in frac.bytes().enumerate() {
        let scale = [100, 10, 1][i];
        thousandths += u16::from(digit - b'0') * scale;
    }
    (thousandths <= 1000).then_some(thousandths)
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::of(&parts.headers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_unless_english_is_preferred() {
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Lang::Zh
        );
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("EN"), Lang::En);
        assert_eq!(Lang::from_accept_language("en_GB"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr-FR"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("*"), Lang::Zh);
        // "eng" is not English's primary subtag in BCP 47.
        assert_eq!(Lang::from_accept_language("eng"), Lang::Zh);
    }

    #[test]
    fn q_values_rank_the_entries() {
        assert_eq!(Lang::from_accept_language("zh;q=0.5, en;q=0.8"), Lang::En);
        assert_eq!(Lang::from_accept_language("en;q=0.5, zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("en;q=0, zh;q=0.1"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::Zh);
        // Equal weights: the first wins.
        assert_eq!(Lang::from_accept_language("en;q=0.7, zh;q=0.7"), Lang::En);
        // Malformed q-values drop their entry.
        assert_eq!(Lang::from_accept_language("zh;q=2, en"), Lang::En);
        assert_eq!(Lang::from_accept_language("zh;q=abc, en;q=0.1"), Lang::En);
        assert_eq!(Lang::from_accept_language(",,;;,en-AU;q=1.000"), Lang::En);
    }

    #[test]
    fn q_parsing() {
        assert_eq!(parse_q("1"), Some(1000));
        assert_eq!(parse_q("0.125"), Some(125));
        assert_eq!(parse_q("0.5"), Some(500));
        assert_eq!(parse_q("1.001"), None);
        assert_eq!(parse_q("0.1234"), None);
        assert_eq!(parse_q("-1"), None);
        assert_eq!(parse_q(""), None);
    }
}
