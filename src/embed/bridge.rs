//! The event bridge to a host app: messages `{"source":"quanzi","v":1,"type":…,"payload":…}`
//! (docs/embedding.md). Out through the first of: the iOS handler
//! `window.webkit.messageHandlers.quanzi`, the Android object `window.QuanziBridge`, or
//! `window.parent.postMessage` to the parent's exact origin when it is on the allowlist.
//! In through `message` events from an allowlisted origin or this page's own (a native host
//! posts from a script it runs in the page). Anything else is ignored without a word: a
//! host's mistakes must not fill its console, and a stranger gets no answer.

use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};

use super::theme::Theme;
use crate::browser::meta_content;
use crate::state::router::is_in_app_path;

pub const SOURCE: &str = "quanzi";
pub const VERSION: u32 = 1;
/// The largest message read, as JSON: commands are a few fields.
const MAX_MESSAGE: u32 = 4096;

/// A command from the host, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// An in-app path (`/p/12?x=1`), never another site.
    Navigate(String),
    SetLocale(String),
    /// The host's colours; an empty theme is the store's own again.
    SetTheme(Theme),
    /// The answer to the `share` with `id` (any waiting share without one): `handled` when
    /// the host's sheet opened or it knows how the share went, not when it cannot share.
    ShareResult {
        id: Option<u32>,
        handled: bool,
    },
}

#[derive(Deserialize)]
pub struct Envelope {
    source: String,
    v: u32,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    payload: Payload,
}

/// Every field any command has; each command reads its own.
#[derive(Default, Deserialize)]
struct Payload {
    path: Option<String>,
    locale: Option<String>,
    id: Option<u32>,
    status: Option<String>,
    accent: Option<String>,
    background: Option<String>,
    surface: Option<String>,
    text: Option<String>,
}

impl Envelope {
    /// The command this is, if it is a well-formed one of ours.
    pub fn command(self) -> Option<Command> {
        if self.source != SOURCE || self.v != VERSION {
            return None;
        }
        let p = self.payload;
        match self.kind.as_str() {
            "navigate" => p
                .path
                .filter(|path| is_in_app_path(path))
                .map(Command::Navigate),
            "set_locale" => p.locale.map(Command::SetLocale),
            "set_theme" => {
                let asked = [
                    ("accent", p.accent),
                    ("background", p.background),
                    ("surface", p.surface),
                    ("text", p.text),
                ];
                let mut theme = Theme::default();
                for (name, value) in &asked {
                    if let Some(value) = value {
                        theme.set(name, value);
                    }
                }
                // `{}` resets; colours that are all not colours change nothing.
                let nothing_asked = asked.iter().all(|(_, value)| value.is_none());
                (nothing_asked || !theme.is_empty()).then_some(Command::SetTheme(theme))
            }
            "share_result" => {
                let handled = match p.status?.as_str() {
                    "opened" | "shared" | "cancelled" => true,
                    "unavailable" | "failed" => false,
                    _ => return None,
                };
                Some(Command::ShareResult { id: p.id, handled })
            }
            _ => None,
        }
    }
}

/// Origins allowed to embed the store: `<meta name=quanzi-embed-origins>`, from the
/// server's `--embed-origin`.
fn allowlist() -> Vec<String> {
    meta_content("quanzi-embed-origins")
        .map(|list| list.split_ascii_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// An allowlisted origin, or this page's own.
fn allowed(origin: &str) -> bool {
    let own = web_sys::window().and_then(|w| w.location().origin().ok());
    own.as_deref() == Some(origin) || allowlist().iter().any(|o| o == origin)
}

/// The parent frame, if this page is in one.
fn parent() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok()??;
    (!js_sys::Object::is(&parent, &window)).then_some(parent)
}

pub fn is_framed() -> bool {
    parent().is_some()
}

/// Whether a `message` event may carry a command: from an allowed origin, sent by the
/// parent frame or by this page itself (a native host's script).
pub fn from_host(event: &web_sys::MessageEvent) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let sender = event.source().map(JsValue::from);
    let by = |w: &web_sys::Window| sender.as_ref().is_some_and(|s| js_sys::Object::is(s, w));
    allowed(&event.origin()) && (by(&window) || parent().is_some_and(|p| by(&p)))
}

/// Where events go.
pub enum Host {
    /// WKWebView: `window.webkit.messageHandlers.quanzi`, takes an object.
    Webkit(JsValue),
    /// Android WebView: `window.QuanziBridge`, takes a string.
    Android(JsValue),
    /// An iframe's parent, at its exact origin.
    Parent(web_sys::Window, String),
}

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    js_sys::Reflect::get(target, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

impl Host {
    /// The host this page runs in, if any.
    pub fn find() -> Option<Host> {
        let window = web_sys::window()?;
        let ios = get(&window, "webkit")
            .and_then(|w| get(&w, "messageHandlers"))
            .and_then(|h| get(&h, "quanzi"));
        if let Some(handler) = ios {
            return Some(Host::Webkit(handler));
        }
        if let Some(bridge) = get(&window, "QuanziBridge") {
            return Some(Host::Android(bridge));
        }
        let parent = parent()?;
        let origin = parent_origin(&window)?;
        allowed(&origin).then_some(Host::Parent(parent, origin))
    }

    /// The parent frame as host, learnt from a command it sent: where the browser could not
    /// say who embeds the store (no `ancestorOrigins`, no referrer).
    pub fn from_command(event: &web_sys::MessageEvent) -> Option<Host> {
        let parent = parent()?;
        let sender = JsValue::from(event.source()?);
        js_sys::Object::is(&sender, &parent).then(|| Host::Parent(parent, event.origin()))
    }

    pub fn send(&self, message: &js_sys::Object) {
        let post = |target: &JsValue, arg: &JsValue| {
            if let Some(f) =
                get(target, "postMessage").and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            {
                // A host's handler that throws is the host's affair.
                let _ = f.call1(target, arg);
            }
        };
        match self {
            Host::Webkit(handler) => post(handler, message),
            Host::Android(bridge) => {
                if let Ok(text) = js_sys::JSON::stringify(message) {
                    post(bridge, &text);
                }
            }
            Host::Parent(parent, origin) => {
                let _ = parent.post_message(message, origin);
            }
        }
    }
}

/// The embedding page's origin: `location.ancestorOrigins` where the browser has it
/// (Chromium, WebKit); else the allowlist's only origin; else the referrer's (which a
/// reload inside the frame turns into the store's own, hence last).
fn parent_origin(window: &web_sys::Window) -> Option<String> {
    let from_ancestors = get(&window.location(), "ancestorOrigins")
        .and_then(|list| get(&list, "0"))
        .and_then(|o| o.as_string());
    from_ancestors
        .or_else(|| match allowlist().as_slice() {
            [only] => Some(only.clone()),
            _ => None,
        })
        .or_else(|| origin_of(&window.document()?.referrer()))
}

/// `https://host:port` of a URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty() && (scheme == "http" || scheme == "https"))
        .then(|| format!("{scheme}://{host}"))
}

/// The command in a `message` event, if it is one to obey.
pub fn read(event: &web_sys::MessageEvent) -> Option<Command> {
    if !from_host(event) {
        return None;
    }
    let data = event.data();
    let text = match data.as_string() {
        Some(text) => text,
        // An object: measured as JSON (cycles and BigInts throw, and are ignored).
        None if data.is_object() => js_sys::JSON::stringify(&data).ok()?.as_string()?,
        None => return None,
    };
    if text.len() as u32 > MAX_MESSAGE {
        return None;
    }
    let value = js_sys::JSON::parse(&text).ok()?;
    serde_wasm_bindgen::from_value::<Envelope>(value)
        .ok()?
        .command()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(json: &str) -> Option<Command> {
        serde_json::from_str::<Envelope>(json).ok()?.command()
    }

    #[test]
    fn commands_are_read() {
        assert_eq!(
            command(
                r#"{"source":"quanzi","v":1,"type":"navigate","payload":{"path":"/c/cycling"}}"#
            ),
            Some(Command::Navigate("/c/cycling".into()))
        );
        assert_eq!(
            command(
                r#"{"source":"quanzi","v":1,"type":"set_locale","payload":{"locale":"en"},"extra":1}"#
            ),
            Some(Command::SetLocale("en".into()))
        );
        assert_eq!(
            command(
                r##"{"source":"quanzi","v":1,"type":"set_theme","payload":{"accent":"#0a7d5a"}}"##
            ),
            Some(Command::SetTheme(Theme::parse("accent:0a7d5a")))
        );
        // Colours that are not colours are left out; none at all is a reset.
        for (payload, theme) in [
            (r##"{"accent":"red","text":"#fff"}"##, "text:fff"),
            ("{}", ""),
        ] {
            let json =
                format!(r#"{{"source":"quanzi","v":1,"type":"set_theme","payload":{payload}}}"#);
            assert_eq!(command(&json), Some(Command::SetTheme(Theme::parse(theme))));
        }
        for (payload, id, handled) in [
            (r#"{"id":3,"status":"cancelled"}"#, Some(3), true),
            (r#"{"status":"opened"}"#, None, true),
            (r#"{"status":"shared"}"#, None, true),
            (r#"{"id":4,"status":"unavailable"}"#, Some(4), false),
        ] {
            let json =
                format!(r#"{{"source":"quanzi","v":1,"type":"share_result","payload":{payload}}}"#);
            assert_eq!(command(&json), Some(Command::ShareResult { id, handled }));
        }
    }

    #[test]
    fn anything_else_is_ignored() {
        for json in [
            r#"{"source":"other","v":1,"type":"set_locale","payload":{"locale":"en"}}"#,
            r#"{"source":"quanzi","v":2,"type":"set_locale","payload":{"locale":"en"}}"#,
            r#"{"source":"quanzi","v":1,"type":"launch_missiles","payload":{}}"#,
            r#"{"source":"quanzi","v":1,"type":"set_locale"}"#,
            r#"{"source":"quanzi","v":1,"type":"set_locale","payload":{"locale":5}}"#,
            r#"{"source":"quanzi","type":"set_locale","payload":{"locale":"en"}}"#,
            r#"{"source":"quanzi","v":1,"type":"share_result","payload":{"status":"maybe"}}"#,
            r#"{"source":"quanzi","v":1,"type":"set_theme","payload":{"accent":"red"}}"#,
            r#"{"source":"quanzi","v":1,"type":"navigate","payload":{"path":"https://evil.example/"}}"#,
            r#"{"source":"quanzi","v":1,"type":"navigate","payload":{"path":"//evil.example/"}}"#,
            r#"{"source":"quanzi","v":1,"type":"navigate","payload":{"path":"/\\evil.example"}}"#,
            r#"{"source":"quanzi","v":1,"type":"navigate","payload":{"path":"javascript:alert(1)"}}"#,
            r#"[1,2,3]"#,
            r#""quanzi""#,
        ] {
            assert_eq!(command(json), None, "{json}");
        }
    }

    #[test]
    fn origins_are_read_from_urls() {
        assert_eq!(
            origin_of("http://127.0.0.1:9000/host/?x=1").as_deref(),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(
            origin_of("https://shop.example").as_deref(),
            Some("https://shop.example")
        );
        assert_eq!(origin_of(""), None);
        assert_eq!(origin_of("file:///tmp/host.html"), None);
    }
}
