//! Sharing a page into a chat: a link from the site's public origin carrying the member's
//! referral code (guests share a plain link), handed to the system share sheet where there
//! is one, else copied to the clipboard, and always shown with a QR code to screenshot;
//! a product, a group or a shop also as a poster the server draws (for chats where links
//! do not unfurl).
//! Inside a host app the host's own share comes first (`crate::embed`).

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use wasm_bindgen::{JsCast, JsValue};

use crate::browser::meta_content;
use quanzi_api::{Money, Route};

use crate::client::api_base;
use crate::i18n::{fill, use_i18n, Lang};
use crate::state::session::use_session;
use crate::task::spawn;
use crate::ui::lazy::lazy_part;
use crate::ui::price::format_money;
use crate::ui::qr::qr_image;

/// The site's public origin as the server is configured (`<meta name=quanzi-public-origin>`),
/// else this page's: links must open for the friend, whatever host served this page.
pub fn public_origin() -> String {
    meta_content("quanzi-public-origin")
        .map(|origin| origin.trim_end_matches('/').to_owned())
        .or_else(|| web_sys::window()?.location().origin().ok())
        .unwrap_or_default()
}

/// `origin` + `path`, with `?ref=code` when there is a code.
pub fn share_link(origin: &str, path: &str, code: Option<&str>) -> String {
    match code {
        Some(code) => format!("{origin}{path}?ref={code}"),
        None => format!("{origin}{path}"),
    }
}

/// Whether the copy reached the clipboard: unknown until the browser answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Copied {
    Pending,
    Yes,
    No,
}

/// Puts `text` on the clipboard. Call it inside the click itself: Safari allows the
/// clipboard only there. `copied` tells how it went.
pub fn copy(text: &str, copied: RwSignal<Option<Copied>>) {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        copied.set(Some(Copied::No));
        return;
    };
    // Absent outside secure contexts and in some webviews: calling it would throw.
    if !js_sys::Reflect::has(&navigator, &JsValue::from_str("clipboard")).unwrap_or(false) {
        copied.set(Some(Copied::No));
        return;
    }
    copied.set(Some(Copied::Pending));
    let promise = navigator.clipboard().write_text(text);
    spawn(async move {
        let done = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
        copied.set(Some(if done { Copied::Yes } else { Copied::No }));
    });
}

/// Hands the link to the system share sheet, if the browser has one. Dismissed, it needs
/// nothing more; refused (an iframe without `allow="web-share"`), the link is copied.
fn web_share(url: &str, title: &str, copied: RwSignal<Option<Copied>>) -> bool {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return false;
    };
    if !js_sys::Reflect::has(&navigator, &JsValue::from_str("share")).unwrap_or(false) {
        return false;
    }
    let data = web_sys::ShareData::new();
    data.set_url(url);
    data.set_title(title);
    let promise = navigator.share_with_data(&data);
    let url = url.to_owned();
    spawn(async move {
        if let Err(error) = wasm_bindgen_futures::JsFuture::from(promise).await {
            let dismissed = js_sys::Reflect::get(&error, &JsValue::from_str("name"))
                .ok()
                .and_then(|name| name.as_string())
                .is_some_and(|name| name == "AbortError");
            if !dismissed {
                copy(&url, copied);
            }
        }
    });
    true
}

/// The store's own share: the system sheet, else the clipboard; then the panel.
fn share_here(
    url: String,
    title: &str,
    copied: RwSignal<Option<Copied>>,
    open: RwSignal<Option<String>>,
) {
    if !web_share(&url, title, copied) {
        copy(&url, copied);
    }
    open.set(Some(url));
}

/// The share button of a page (`path` like `/p/12`); `title` names the page in the sheet.
#[component]
pub fn ShareButton(
    path: String,
    title: String,
    /// What a member earns on one unit sold through the link: the button says "分享赚 ¥1.99"
    /// to members when there is something to earn.
    #[prop(optional)]
    earn: Option<Money>,
    /// What the button says in place of "分享": the call to action it is the centre of
    /// (a group's invitation), drawn as the page's main button.
    #[prop(optional, into)]
    label: Option<Signal<&'static str>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let open = RwSignal::new(None::<String>);
    let copied = RwSignal::new(None::<Copied>);
    // While the host decides, another tap would be a second share.
    let asking_host = RwSignal::new(false);
    let share = move |_| {
        if asking_host.get_untracked() {
            return;
        }
        let code = session
            .me
            .with_untracked(|me| me.as_ref().map(|me| me.referral_code.clone()));
        let url = share_link(&public_origin(), &path, code.as_deref());
        // Inside a host app, the host's own share first. Else, or if it cannot, the system
        // sheet where there is one (phones), else the clipboard; the link and its QR code
        // are shown either way. Without a host all of it happens within the click itself:
        // Safari allows the sheet and the clipboard only there.
        if !crate::embed::has_host() {
            share_here(url, &title, copied, open);
            return;
        }
        let title = title.clone();
        asking_host.set(true);
        spawn(async move {
            let text = format!("{title} · {}", i18n.t_untracked().app_name);
            if !crate::embed::share_via_host(&url, &title, &text).await {
                share_here(url, &title, copied, open);
            }
            asking_host.set(false);
        });
    };
    view! {
        <button
            class=if label.is_some() { "button button-wide share-button" } else { "button button-quiet share-button" }
            on:click=share
        >
            <svg viewBox="0 0 24 24" aria-hidden="true" class="icon">
                <path d="M12 3v12M7 8l5-5 5 5M5 13v6a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-6" />
            </svg>
            {move || {
                let t = i18n.t();
                if let Some(label) = label {
                    return label.get().to_owned();
                }
                match &earn {
                    Some(money) if money.amount > 0 && session.me.with(Option::is_some) => {
                        fill(t.share_earn, "amount", &format_money(money))
                    }
                    _ => t.share.to_owned(),
                }
            }}
        </button>
        {move || {
            open.get()
                .map(|url| lazy_part(move || share_panel(url.clone(), copied, open)))
        }}
    }
}

/// The shared link and its QR code, in a chunk of their own (the QR encoder is not small).
#[wasm_split(share_panel, wasm_split_path = ::leptos::wasm_split, fallible)]
fn share_panel(
    url: String,
    copied: RwSignal<Option<Copied>>,
    open: RwSignal<Option<String>>,
) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <SharePanel url copied open /> }.into_any())
}

#[component]
fn SharePanel(
    url: String,
    copied: RwSignal<Option<Copied>>,
    open: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let qr = qr_image(&url);
    let poster = poster_of(&url, i18n.lang.get_untracked());
    let link = url.clone();
    let copy_again = move |_| copy(&link, copied);
    let select_all = |ev: leptos::ev::FocusEvent| {
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.select();
        }
    };
    view! {
        <section class="share-panel" role="region" aria-labelledby="share-title">
            <h2 id="share-title">{move || i18n.t().share_title}</h2>
            <label class="visually-hidden" for="share-link">
                {move || i18n.t().share_link}
            </label>
            <div class="share-link-row">
                <input
                    id="share-link"
                    class="share-link"
                    readonly
                    prop:value=url.clone()
                    on:focus=select_all
                />
                <button class="button" on:click=copy_again>
                    {move || i18n.t().copy_link}
                </button>
            </div>
            <p class="share-status" role="status">
                {move || {
                    let t = i18n.t();
                    match copied.get() {
                        Some(Copied::Yes) => t.link_copied,
                        Some(Copied::No) => t.copy_failed,
                        _ => "",
                    }
                }}
            </p>
            {qr
                .map(|src| {
                    view! {
                        <figure class="share-qr">
                            <img
                                src=src
                                width="220"
                                height="220"
                                alt=move || i18n.t().qr_alt
                            />
                            <figcaption class="muted">{move || i18n.t().qr_hint}</figcaption>
                        </figure>
                    }
                })}
            {poster.map(|src| view! { <Poster src /> })}
            <button class="link-button" on:click=move |_| open.set(None)>
                {move || i18n.t().close}
            </button>
        </section>
    }
}

/// The poster of a shared link, when its page has one (a product, a group, a shop): the
/// server draws it with the signed-in member's name and code, as the link has them.
fn poster_of(url: &str, lang: Lang) -> Option<String> {
    let rest = url.strip_prefix(&public_origin())?;
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    let (kind, key) = match Route::from_path(path)? {
        Route::Product(id) => ("p", id.to_string()),
        Route::GroupBuy(id) => ("g", id.to_string()),
        Route::Shop(code) => ("s", code),
        _ => return None,
    };
    Some(format!(
        "{}/posters/{kind}/{key}?lang={}",
        api_base(),
        lang.tag()
    ))
}

/// A poster, drawn when asked for (it is a large picture): to long-press into a chat, or
/// to save.
#[component]
fn Poster(src: String) -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(false);
    let words = move || match i18n.lang.get() {
        Lang::ZhCn => (
            "生成分享海报",
            "分享海报",
            "长按图片发送给朋友，或保存到相册",
            "保存海报",
        ),
        Lang::En => (
            "Make a poster",
            "Share poster",
            "Press and hold to send it, or save it",
            "Save the poster",
        ),
    };
    move || {
        if !shown.get() {
            return view! {
                <button type="button" class="button button-quiet" on:click=move |_| shown.set(true)>
                    {move || words().0}
                </button>
            }
            .into_any();
        }
        view! {
            <figure class="share-poster">
                <img src=src.clone() width="270" height="360" alt=move || words().1 />
                <figcaption class="muted">{move || words().2}</figcaption>
                <a class="button" href=src.clone() download="quanzi-poster.jpg">{move || words().3}</a>
            </figure>
        }
        .into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::share_link;

    #[test]
    fn links_carry_the_code_only_when_there_is_one() {
        assert_eq!(
            share_link("https://quanzi.example", "/p/12", Some("7K3M9QXZ")),
            "https://quanzi.example/p/12?ref=7K3M9QXZ"
        );
        assert_eq!(
            share_link("https://quanzi.example", "/c/cycling", None),
            "https://quanzi.example/c/cycling"
        );
    }
}
