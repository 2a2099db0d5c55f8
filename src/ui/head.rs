//! The page's title and meta description, set per page.

/// Sets `<title>` and `<meta name=description>`. Uses `textContent`/attributes, so user
/// text cannot become markup.
pub fn set_head(title: &str, description: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    document.set_title(title);
    if let Ok(Some(meta)) = document.query_selector("meta[name=description]") {
        let _ = meta.set_attribute("content", description);
    }
}

/// "标题 · 圈子": the page's own name first, so tabs and shares read well.
pub fn page_title(page: &str, app_name: &str) -> String {
    if page.is_empty() {
        app_name.to_owned()
    } else {
        format!("{page} · {app_name}")
    }
}

/// The first `max` characters of `text` (not bytes: Chinese is multi-byte), with an ellipsis.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_lead_with_the_page() {
        assert_eq!(page_title("咖啡手冲壶", "圈子"), "咖啡手冲壶 · 圈子");
        assert_eq!(page_title("", "圈子"), "圈子");
    }

    #[test]
    fn excerpt_counts_characters_not_bytes() {
        assert_eq!(excerpt("新手妈妈的第一次", 4), "新手妈妈…");
        assert_eq!(excerpt("short", 10), "short");
    }
}
