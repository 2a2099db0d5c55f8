//! Small reads of the page and the browser that several modules share: settings the
//! server writes into `<meta>` tags, and local and session storage (which private modes may
//! refuse).

/// The `content` of `<meta name="{name}">`, trimmed, if present and not empty.
pub fn meta_content(name: &str) -> Option<String> {
    web_sys::window()?
        .document()?
        .query_selector(&format!("meta[name={name}]"))
        .ok()??
        .get_attribute("content")
        .map(|content| content.trim().to_owned())
        .filter(|content| !content.is_empty())
}

pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// This tab's storage, for what lasts as long as the visit.
pub fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}
