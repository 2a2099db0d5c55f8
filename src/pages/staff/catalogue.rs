//! The console's catalogue (owners): every product with its shelf state, stock and sales,
//! put on or taken off the shelf in one tap, and the editor for a new or an existing one:
//! both languages, pictures uploaded like a post's, the story's paragraphs and pictures,
//! the solo price, the group offer and the stock. The server checks every number with its
//! own code; the editor keeps what was typed when it refuses.

use gloo_net::http::Method;
use leptos::prelude::*;
use quanzi_api::{
    href, path, plain_amount, Community, DraftBlock, DraftOffer, DraftPicture, GroupKind, Money,
    Page, ProductDraft, Route, StaffProduct, StaffProductRow,
};
use wasm_bindgen::JsValue;

use super::words::{catalogue_words, CatalogueWords};
use crate::client::{js_object, optional_text, write_json};
use crate::components::composer::upload_photo;
use crate::i18n::{fill, use_i18n};
use crate::task::spawn;
use crate::ui::remote::{fetch, loaded};
use crate::ui::states::Empty;

fn use_catalogue_words() -> impl Fn() -> &'static CatalogueWords + Copy {
    let i18n = use_i18n();
    move || catalogue_words(i18n.lang.get())
}

/// Yuan as typed (`89`, `89.5`, `89.00`) in fen; `None` for anything else.
pub(super) fn parse_yuan(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    if whole.is_empty() || whole.len() > 9 || fraction.len() > 2 {
        return None;
    }
    if !whole
        .bytes()
        .chain(fraction.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let cents: i64 = format!("{fraction:0<2}").parse().ok()?;
    Some(whole.parse::<i64>().ok()? * 100 + cents)
}

/// Fen as the price field shows it: `89.00`.
fn yuan(fen: i64) -> String {
    plain_amount(&Money::cny(fen))
}

/// Which product the editor has open: a new one, or one by id.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Editing {
    New,
    Product(i64),
}

/// The catalogue, read when opened.
#[component]
pub fn Catalogue() -> impl IntoView {
    let w = use_catalogue_words();
    let open = RwSignal::new(false);
    view! {
        <details class="card staff-audit" on:toggle=move |_| open.set(true)>
            <summary>{move || w().catalogue}</summary>
            {move || open.get().then(|| view! { <ProductList /> })}
        </details>
    }
}

#[component]
fn ProductList() -> impl IntoView {
    let i18n = use_i18n();
    let w = use_catalogue_words();
    let products = fetch::<Page<StaffProductRow>>(|| "/staff/products".to_owned());
    let editing = RwSignal::new(None::<Editing>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let shelve = move |id: i64, publish: bool| {
        busy.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let step = if publish { "publish" } else { "unpublish" };
            let path = format!("/staff/products/{id}/{step}");
            let answer = write_json::<StaffProduct>(Method::POST, &path, lang, None).await;
            busy.set(false);
            match answer {
                Ok(_) => products.retry(),
                Err(err) => error.set(Some(w().error(i18n.t(), &err))),
            }
        });
    };
    let saved = move |_: StaffProduct| {
        editing.set(None);
        products.retry();
    };
    view! {
        <button type="button" class="button" on:click=move |_| editing.set(Some(Editing::New))>
            {move || w().new_product}
        </button>
        {move || (editing.get() == Some(Editing::New)).then(|| view! {
            <Editor id=None on_saved=saved on_close=move |()| editing.set(None) />
        })}
        {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        {loaded(products, move |page| {
            if page.items.is_empty() {
                return view! { <Empty message=w().no_products /> }.into_any();
            }
            view! {
                <ul class="staff-products">
                    {page
                        .items
                        .into_iter()
                        .map(|row| {
                            let id = row.card.id;
                            let published = row.published;
                            let (n, sold) = (row.stock.to_string(), row.sold.to_string());
                            view! {
                                <li class="staff-product">
                                    <img src=row.card.image.url.clone() alt="" width="48" height="48" class="staff-thumb" />
                                    <span class="staff-product-text">
                                        <a href=href(Route::Product(id))>{row.card.title}</a>
                                        <span class="muted">
                                            {row.community.name} " · "
                                            {move || if published { w().on_shelf } else { w().off_shelf }} " · "
                                            {move || fill(&fill(w().stock_sold, "n", &n), "sold", &sold)}
                                        </span>
                                    </span>
                                    <button type="button" class="button button-quiet"
                                        on:click=move |_| editing.set(Some(Editing::Product(id)))>
                                        {move || w().edit}
                                    </button>
                                    <button type="button" class="button button-quiet" disabled=move || busy.get()
                                        on:click=move |_| shelve(id, !published)>
                                        {move || if published { w().unpublish } else { w().publish }}
                                    </button>
                                    {move || (editing.get() == Some(Editing::Product(id))).then(|| view! {
                                        <Editor id=Some(id) on_saved=saved on_close=move |()| editing.set(None) />
                                    })}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        })}
    }
}

/// The editor: a product read first when it exists, an empty draft otherwise.
#[component]
fn Editor(
    id: Option<i64>,
    #[prop(into)] on_saved: Callback<StaffProduct>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let communities = fetch::<Page<Community>>(path::communities);
    match id {
        None => view! {
            {loaded(communities, move |list| view! {
                <Form id=None draft=ProductDraft::default() communities=list.items on_saved on_close />
            })}
        }
        .into_any(),
        Some(id) => {
            let product = fetch::<StaffProduct>(move || format!("/staff/products/{id}"));
            view! {
                {loaded(product, move |product| {
                    loaded(communities, move |list| view! {
                        <Form id=Some(id) draft=product.draft.clone() communities=list.items on_saved on_close />
                    })
                })}
            }
            .into_any()
        }
    }
}

/// A picture of the draft: kept (a url the product shows, with its text alternatives) or
/// just uploaded (whose alternatives the server makes the title).
#[derive(Clone, PartialEq)]
struct Picture {
    upload_id: Option<i64>,
    url: String,
    alt: (String, String),
}

impl Picture {
    fn from_draft(p: &DraftPicture) -> Option<Picture> {
        Some(Picture {
            upload_id: p.upload_id,
            url: p.url.clone()?,
            alt: (p.alt_zh.clone(), p.alt_en.clone()),
        })
    }

    fn to_draft(&self) -> DraftPicture {
        DraftPicture {
            upload_id: self.upload_id,
            url: self.upload_id.is_none().then(|| self.url.clone()),
            alt_zh: self.alt.0.clone(),
            alt_en: self.alt.1.clone(),
        }
    }
}

/// A story block being edited; each has a key so the list keeps its inputs in place.
#[derive(Clone)]
enum Block {
    Text(RwSignal<String>, RwSignal<String>),
    Image(Picture),
}

#[component]
fn Form(
    id: Option<i64>,
    draft: ProductDraft,
    communities: Vec<Community>,
    on_saved: Callback<StaffProduct>,
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let w = use_catalogue_words();
    let prefix = StoredValue::new(id.map_or_else(|| "new".to_owned(), |id| id.to_string()));
    let field = move |name: &str| prefix.with_value(|p| format!("product-{p}-{name}"));
    let community = RwSignal::new(if draft.community.is_empty() {
        communities
            .first()
            .map(|c| c.slug.clone())
            .unwrap_or_default()
    } else {
        draft.community.clone()
    });
    let text = |value: &str| RwSignal::new(value.to_owned());
    let (title_zh, title_en) = (text(&draft.title_zh), text(&draft.title_en));
    let (subtitle_zh, subtitle_en) = (text(&draft.subtitle_zh), text(&draft.subtitle_en));
    let solo = text(&if id.is_some() {
        yuan(draft.solo_price)
    } else {
        String::new()
    });
    let offer = RwSignal::new(draft.group_offer.is_some() || id.is_none());
    let group_price = text(&draft.group_offer.map(|o| yuan(o.price)).unwrap_or_default());
    let group_size = text(&draft.group_offer.map_or(2, |o| o.size).to_string());
    let window = text(&draft.group_offer.map_or(24, |o| o.window_hours).to_string());
    let kind = RwSignal::new(draft.group_offer.map_or(GroupKind::Standard, |o| o.kind));
    let winners = text(
        &draft
            .group_offer
            .and_then(|o| o.lottery_winners)
            .map_or(String::new(), |n| n.to_string()),
    );
    let stock = text(&draft.stock.to_string());
    let gallery = RwSignal::new(
        draft
            .gallery
            .iter()
            .filter_map(Picture::from_draft)
            .collect::<Vec<_>>(),
    );
    let next_key = StoredValue::new(0_usize);
    // `try_`: an upload may finish after the editor has closed.
    let keyed = move |block: Block| {
        let key = next_key
            .try_update_value(|k| {
                *k += 1;
                *k
            })
            .unwrap_or_default();
        (key, block)
    };
    let story = RwSignal::new(
        draft
            .story
            .iter()
            .filter_map(|b| match b {
                DraftBlock::Text { text_zh, text_en } => Some(keyed(Block::Text(
                    RwSignal::new(text_zh.clone()),
                    RwSignal::new(text_en.clone()),
                ))),
                DraftBlock::Image { picture } => {
                    Picture::from_draft(picture).map(|p| keyed(Block::Image(p)))
                }
            })
            .collect::<Vec<_>>(),
    );
    let error = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    let uploading = RwSignal::new(0_u32);

    // A picked file is uploaded at once, into the gallery or (`to_story`) the story.
    let upload = move |ev: leptos::ev::Event, to_story: bool| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(files) = input.files() else { return };
        let lang = i18n.lang.get_untracked();
        for i in 0..files.length() {
            let Some(file) = files.item(i) else { continue };
            uploading.update(|n| *n += 1);
            spawn(async move {
                let answer = upload_photo(&file, lang).await;
                uploading.update(|n| *n -= 1);
                match answer {
                    Ok(upload) => {
                        let picture = Picture {
                            upload_id: Some(upload.id),
                            url: upload.image.url,
                            alt: Default::default(),
                        };
                        if to_story {
                            let block = keyed(Block::Image(picture));
                            story.update(|s| s.push(block));
                        } else {
                            gallery.update(|g| g.push(picture));
                        }
                    }
                    Err(message) => error.set(Some(message)),
                }
            });
        }
        input.set_value("");
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(solo_price) = parse_yuan(&solo.get_untracked()) else {
            error.set(Some(w().error_price));
            return;
        };
        let group_offer = if offer.get_untracked() {
            let Some(price) = parse_yuan(&group_price.get_untracked()) else {
                error.set(Some(w().error_price));
                return;
            };
            // Whole numbers, or said so here; their ranges are the server's to check.
            let Ok(size) = group_size.get_untracked().trim().parse() else {
                error.set(Some(w().error_group_size));
                return;
            };
            let Ok(window_hours) = window.get_untracked().trim().parse() else {
                error.set(Some(w().error_window));
                return;
            };
            let kind = kind.get_untracked();
            let lottery_winners = match kind {
                GroupKind::Lottery => {
                    let Ok(n) = winners.get_untracked().trim().parse() else {
                        error.set(Some(w().error_winners));
                        return;
                    };
                    Some(n)
                }
                _ => None,
            };
            Some(DraftOffer {
                price,
                size,
                window_hours,
                kind,
                lottery_winners,
            })
        } else {
            None
        };
        let Ok(stock) = stock.get_untracked().trim().parse::<i64>() else {
            error.set(Some(w().error_stock));
            return;
        };
        let body = ProductDraft {
            community: community.get_untracked(),
            title_zh: title_zh.get_untracked(),
            title_en: title_en.get_untracked(),
            subtitle_zh: subtitle_zh.get_untracked(),
            subtitle_en: subtitle_en.get_untracked(),
            gallery: gallery
                .get_untracked()
                .iter()
                .map(Picture::to_draft)
                .collect(),
            story: story
                .get_untracked()
                .iter()
                .map(|(_, b)| match b {
                    Block::Text(zh, en) => DraftBlock::Text {
                        text_zh: zh.get_untracked(),
                        text_en: en.get_untracked(),
                    },
                    Block::Image(p) => DraftBlock::Image {
                        picture: p.to_draft(),
                    },
                })
                .collect(),
            solo_price,
            group_offer,
            stock,
        };
        busy.set(true);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let (method, path) = match id {
                Some(id) => (Method::PUT, format!("/staff/products/{id}")),
                None => (Method::POST, "/staff/products".to_owned()),
            };
            let body = draft_js(&body);
            let answer = write_json::<StaffProduct>(method, &path, lang, Some(&body)).await;
            busy.set(false);
            match answer {
                Ok(product) => on_saved.run(product),
                Err(err) => error.set(Some(w().error(i18n.t(), &err))),
            }
        });
    };

    let line = move |name: &'static str,
                     label: fn(&CatalogueWords) -> &'static str,
                     value: RwSignal<String>,
                     mode: &'static str| {
        let id = field(name);
        view! {
            <label for=id.clone()>{move || label(w())}</label>
            <input id=id inputmode=mode prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        }
    };
    let gallery_id = field("gallery");
    let story_pic_id = field("story-picture");
    view! {
        <form class="staff-form product-editor" on:submit=submit>
            <label for=field("community")>{move || w().community}</label>
            <select id=field("community") on:change=move |ev| community.set(event_target_value(&ev))>
                {communities
                    .into_iter()
                    .map(|c| {
                        let selected = c.slug == community.get_untracked();
                        view! { <option value=c.slug selected=selected>{c.name}</option> }
                    })
                    .collect_view()}
            </select>
            {line("title-zh", |w| w.title_zh, title_zh, "text")}
            {line("title-en", |w| w.title_en, title_en, "text")}
            {line("subtitle-zh", |w| w.subtitle_zh, subtitle_zh, "text")}
            {line("subtitle-en", |w| w.subtitle_en, subtitle_en, "text")}
            {line("solo", |w| w.solo_price, solo, "decimal")}
            <label class="staff-point">
                <input type="checkbox" prop:checked=move || offer.get()
                    on:change=move |ev| offer.set(event_target_checked(&ev)) />
                {move || w().group_offer}
            </label>
            {move || offer.get().then(|| view! {
                {line("group-price", |w| w.group_price, group_price, "decimal")}
                {line("group-size", |w| w.group_size, group_size, "numeric")}
                {line("window", |w| w.window_hours, window, "numeric")}
                <label for=field("kind")>{move || w().group_kind}</label>
                <select id=field("kind") on:change=move |ev| {
                    kind.set(GroupKind::parse(&event_target_value(&ev)).unwrap_or_default())
                }>
                    {[
                        (GroupKind::Standard, (|w| w.kind_standard) as fn(&CatalogueWords) -> &'static str),
                        (GroupKind::Lottery, |w| w.kind_lottery),
                        (GroupKind::NewMember, |w| w.kind_new_member),
                    ]
                        .into_iter()
                        .map(|(k, label)| view! {
                            <option value=k.as_str() selected=move || kind.get() == k>{move || label(w())}</option>
                        })
                        .collect_view()}
                </select>
                {move || (kind.get() == GroupKind::Lottery)
                    .then(|| line("winners", |w| w.lottery_winners, winners, "numeric"))}
            })}
            {line("stock", |w| w.stock, stock, "numeric")}
            <fieldset>
                <legend>{move || w().gallery}</legend>
                <ul class="editor-pictures">
                    <For each=move || gallery.get() key=|p| p.url.clone() let:picture>
                        <li>
                            <img src=picture.url.clone() alt="" width="72" height="72" class="staff-thumb" />
                            <button type="button" class="button button-quiet" on:click={
                                let url = picture.url.clone();
                                move |_| gallery.update(|g| g.retain(|p| p.url != url))
                            }>{move || w().remove}</button>
                        </li>
                    </For>
                </ul>
                <label for=gallery_id.clone() class="button button-quiet">{move || w().add_picture}</label>
                <input id=gallery_id class="visually-hidden" type="file" accept="image/jpeg,image/png,image/webp" multiple
                    on:change=move |ev| upload(ev, false) />
            </fieldset>
            <fieldset>
                <legend>{move || w().story}</legend>
                <ol class="editor-story">
                    <For each=move || story.get() key=|(key, _)| *key let:entry>
                        {
                            let key = entry.0;
                            let remove = move |_| story.update(|s| s.retain(|(k, _)| *k != key));
                            match entry.1 {
                                Block::Text(zh, en) => {
                                    let (zh_id, en_id) = (field(&format!("story-{key}-zh")), field(&format!("story-{key}-en")));
                                    view! {
                                        <li>
                                            <label for=zh_id.clone()>{move || w().paragraph_zh}</label>
                                            <textarea id=zh_id rows="3" prop:value=move || zh.get()
                                                on:input=move |ev| zh.set(event_target_value(&ev))></textarea>
                                            <label for=en_id.clone()>{move || w().paragraph_en}</label>
                                            <textarea id=en_id rows="3" prop:value=move || en.get()
                                                on:input=move |ev| en.set(event_target_value(&ev))></textarea>
                                            <button type="button" class="button button-quiet" on:click=remove>{move || w().remove}</button>
                                        </li>
                                    }
                                    .into_any()
                                }
                                Block::Image(picture) => view! {
                                    <li>
                                        <img src=picture.url alt="" width="72" height="72" class="staff-thumb" />
                                        <button type="button" class="button button-quiet" on:click=remove>{move || w().remove}</button>
                                    </li>
                                }
                                .into_any(),
                            }
                        }
                    </For>
                </ol>
                <button type="button" class="button button-quiet" on:click=move |_| {
                    let block = keyed(Block::Text(RwSignal::new(String::new()), RwSignal::new(String::new())));
                    story.update(|s| s.push(block));
                }>{move || w().add_paragraph}</button>
                <label for=story_pic_id.clone() class="button button-quiet">{move || w().add_picture}</label>
                <input id=story_pic_id class="visually-hidden" type="file" accept="image/jpeg,image/png,image/webp"
                    on:change=move |ev| upload(ev, true) />
            </fieldset>
            {move || (uploading.get() > 0).then(|| view! { <p class="muted" role="status">{w().uploading}</p> })}
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <div class="staff-form-buttons">
                <button type="submit" class="button" disabled=move || busy.get() || (uploading.get() > 0)>
                    {move || w().save}
                </button>
                <button type="button" class="button button-quiet" on:click=move |_| on_close.run(())>
                    {move || w().close}
                </button>
            </div>
        </form>
    }
}

/// A picture of a draft as the request's JSON.
fn picture_js(p: &DraftPicture) -> js_sys::Object {
    js_object(&[
        (
            "upload_id",
            p.upload_id
                .map_or(JsValue::UNDEFINED, |id| JsValue::from_f64(id as f64)),
        ),
        ("url", optional_text(p.url.as_deref())),
        ("alt_zh", p.alt_zh.as_str().into()),
        ("alt_en", p.alt_en.as_str().into()),
    ])
}

/// A `ProductDraft` as the request's JSON (see `client::RequestBody`).
fn draft_js(d: &ProductDraft) -> js_sys::Object {
    let gallery = js_sys::Array::new();
    for picture in &d.gallery {
        gallery.push(&picture_js(picture));
    }
    let story = js_sys::Array::new();
    for block in &d.story {
        let block = match block {
            DraftBlock::Text { text_zh, text_en } => js_object(&[
                ("kind", "text".into()),
                ("text_zh", text_zh.as_str().into()),
                ("text_en", text_en.as_str().into()),
            ]),
            DraftBlock::Image { picture } => js_object(&[
                ("kind", "image".into()),
                ("picture", picture_js(picture).into()),
            ]),
        };
        story.push(&block);
    }
    let number = |n: i64| JsValue::from_f64(n as f64);
    let offer = d.group_offer.map_or(JsValue::NULL, |o| {
        js_object(&[
            ("price", number(o.price)),
            ("size", number(o.size)),
            ("window_hours", number(o.window_hours)),
            ("kind", o.kind.as_str().into()),
            (
                "lottery_winners",
                o.lottery_winners.map_or(JsValue::NULL, number),
            ),
        ])
        .into()
    });
    js_object(&[
        ("community", d.community.as_str().into()),
        ("title_zh", d.title_zh.as_str().into()),
        ("title_en", d.title_en.as_str().into()),
        ("subtitle_zh", d.subtitle_zh.as_str().into()),
        ("subtitle_en", d.subtitle_en.as_str().into()),
        ("gallery", gallery.into()),
        ("story", story.into()),
        ("solo_price", number(d.solo_price)),
        ("group_offer", offer),
        ("stock", number(d.stock)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_as_typed_is_exact_fen() {
        assert_eq!(parse_yuan("89"), Some(8900));
        assert_eq!(parse_yuan(" 89.5 "), Some(8950));
        assert_eq!(parse_yuan("0.01"), Some(1));
        assert_eq!(parse_yuan("19.99"), Some(1999));
        for bad in ["", ".5", "1.234", "-1", "1,000", "abc", "1e3", "1234567890"] {
            assert_eq!(parse_yuan(bad), None, "{bad}");
        }
        assert_eq!(yuan(8950), "89.50");
        assert_eq!(parse_yuan(&yuan(123_456)), Some(123_456));
    }
}
