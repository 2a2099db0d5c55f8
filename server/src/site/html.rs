//! Text put into the HTML the server writes (the shell's meta tags, link previews):
//! escaped, so user text is always text.

/// Text made safe for HTML: in an attribute value (either quote) and between tags alike.
pub fn escape_html(value: &str) -> String {
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
