//! Times as people say them ("3小时前"), computed with the browser's clock (`js_sys::Date`,
//! no date crate in the wasm).

use crate::i18n::{fill, Strings};

/// Seconds since an RFC 3339 time, or `None` if the string is not a date.
pub fn seconds_since(rfc3339: &str) -> Option<f64> {
    let then = js_sys::Date::parse(rfc3339);
    if then.is_nan() {
        return None;
    }
    Some((js_sys::Date::now() - then) / 1000.0)
}

/// "刚刚", "5分钟前", "3小时前", "2天前". Future times (a skewed clock) read as "just now".
pub fn relative(strings: &Strings, seconds: f64) -> String {
    let minutes = (seconds / 60.0).floor() as i64;
    if minutes < 1 {
        return strings.just_now.to_owned();
    }
    if minutes < 60 {
        return fill(strings.minutes_ago, "n", &minutes.to_string());
    }
    let hours = minutes / 60;
    if hours < 24 {
        return fill(strings.hours_ago, "n", &hours.to_string());
    }
    fill(strings.days_ago, "n", &(hours / 24).to_string())
}

/// Relative time for display, falling back to the raw date when it cannot be parsed.
pub fn ago(strings: &Strings, rfc3339: &str) -> String {
    match seconds_since(rfc3339) {
        Some(seconds) => relative(strings, seconds),
        None => rfc3339.get(..10).unwrap_or(rfc3339).to_owned(),
    }
}

/// The local calendar day of an RFC 3339 time, `2026-12-17` (read the same in both
/// languages); the raw date when it cannot be parsed.
pub fn day(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.get(..10).unwrap_or(rfc3339).to_owned();
    }
    format!(
        "{}-{:02}-{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date()
    )
}

#[cfg(test)]
mod tests {
    use super::relative;
    use crate::i18n::Lang;

    #[test]
    fn relative_times_in_both_languages() {
        let zh = Lang::ZhCn.strings();
        let en = Lang::En.strings();
        assert_eq!(relative(zh, 10.0), "刚刚");
        assert_eq!(relative(zh, -3600.0), "刚刚");
        assert_eq!(relative(zh, 5.0 * 60.0), "5分钟前");
        assert_eq!(relative(zh, 3.0 * 3600.0 + 5.0), "3小时前");
        assert_eq!(relative(en, 49.0 * 3600.0), "2 d ago");
        assert_eq!(relative(en, 59.0 * 60.0), "59 min ago");
    }
}
