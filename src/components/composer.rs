//! Writing a post in a community: title, paragraphs, up to nine photos uploaded from the
//! phone as they are picked, and products tagged as cards (the "buyer show", 买家秀).
//! Nothing is published until every photo is stored, so no post has a broken picture.

use gloo_net::http::Method;
use leptos::prelude::*;
use quanzi_api::post::{BODY_MAX_CHARS, POST_MAX_IMAGES, POST_MAX_PRODUCTS, TITLE_MAX_CHARS};
use quanzi_api::{href, ErrorCode, NewPost, Page, Post, ProductCard, Route, Upload};
use wasm_bindgen::JsCast;

use crate::client::{send_form, write_json, ClientError};
use crate::i18n::{use_i18n, Lang, Strings};
use crate::state::router::use_nav;
use crate::task::spawn;
use crate::ui::form::form_error;
use crate::ui::image::Img;
use crate::ui::remote::{fetch, State};

#[derive(Clone, Debug, PartialEq)]
enum Photo {
    Uploading,
    Ready(Upload),
    Failed(&'static str),
}

/// Paragraphs from what was typed: one per non-empty line.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

fn upload_error(t: &'static Strings, error: &ClientError) -> &'static str {
    match error.code() {
        Some(ErrorCode::NotAnImage) => t.error_not_an_image,
        Some(ErrorCode::ImageTooLarge | ErrorCode::PayloadTooLarge) => t.error_image_too_large,
        _ => form_error(t, error),
    }
}

/// Sends a picked file to `/uploads`: the server checks, resizes and keeps it until a post
/// (or the profile) uses it. The error is the sentence to show.
pub async fn upload_photo(file: &web_sys::File, lang: Lang) -> Result<Upload, &'static str> {
    let t = lang.strings();
    let form = web_sys::FormData::new().map_err(|_| t.error_network)?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(|_| t.error_not_an_image)?;
    send_form::<Upload>("/uploads", lang, form)
        .await
        .map_err(|e| upload_error(t, &e))
}

/// Removes a photo nobody will publish. Best effort: the server also sweeps abandoned
/// uploads after a day, so a failure here loses nothing.
fn discard(id: i64, lang: Lang) {
    spawn(async move {
        let _ = write_json::<()>(Method::DELETE, &format!("/uploads/{id}"), lang, None).await;
    });
}

#[component]
pub fn Composer(slug: String, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let nav = use_nav();
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    // Each photo keeps its place (a key) while it uploads, so order is what was picked.
    let photos = RwSignal::new(Vec::<(u32, Photo)>::new());
    let next_key = StoredValue::new(0u32);
    let tagged = RwSignal::new(Vec::<i64>::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let products_path = quanzi_api::path::community_products(&slug);
    let products = fetch::<Page<ProductCard>>(move || products_path.clone());

    let pick = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(files) = input.files() else {
            return;
        };
        let lang = i18n.lang.get_untracked();
        for index in 0..files.length() {
            if photos.with_untracked(Vec::len) >= POST_MAX_IMAGES {
                error.set(Some(lang.strings().error_too_many_images));
                break;
            }
            let Some(file) = files.get(index) else {
                continue;
            };
            let key = next_key.get_value();
            next_key.set_value(key + 1);
            photos.update(|list| list.push((key, Photo::Uploading)));
            // False when the photo was removed while it uploaded.
            let set = move |photo: Photo| {
                photos
                    .try_update(|list| {
                        list.iter_mut()
                            .find(|(k, _)| *k == key)
                            .map(|entry| entry.1 = photo)
                            .is_some()
                    })
                    .unwrap_or(false)
            };
            spawn(async move {
                match upload_photo(&file, lang).await {
                    Ok(upload) => {
                        let id = upload.id;
                        if !set(Photo::Ready(upload)) {
                            discard(id, lang);
                        }
                    }
                    Err(message) => {
                        set(Photo::Failed(message));
                    }
                }
            });
        }
        // Picking the same file again must fire `change` again.
        input.set_value("");
    };

    let publish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = i18n.t_untracked();
        if pending.get_untracked() {
            return;
        }
        let list = photos.get_untracked();
        if list.iter().any(|(_, p)| *p == Photo::Uploading) {
            error.set(Some(t.error_photos_pending));
            return;
        }
        // Never publish around a hole: the author removes (or re-picks) a failed photo.
        if list.iter().any(|(_, p)| matches!(p, Photo::Failed(_))) {
            error.set(Some(t.error_photo_failed));
            return;
        }
        let images = list
            .iter()
            .filter_map(|(_, p)| match p {
                Photo::Ready(upload) => Some(upload.id),
                _ => None,
            })
            .collect();
        let post = NewPost {
            community: slug.clone(),
            title: title.get_untracked(),
            body: paragraphs(&body.get_untracked()),
            images,
            products: tagged.get_untracked(),
        };
        pending.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            match write_json::<Post>(Method::POST, "/posts", lang, Some(&post)).await {
                Ok(post) => nav.go(&href(Route::Post(post.id))),
                // Everything typed and uploaded stays for another try.
                Err(e) => {
                    error.set(Some(form_error(lang.strings(), &e)));
                    pending.set(false);
                }
            }
        });
    };

    let photo_of = move |key: u32| {
        photos.with_untracked(|list| {
            list.iter()
                .find(|(k, _)| *k == key)
                .map_or(Photo::Uploading, |(_, p)| p.clone())
        })
    };
    // Closing the composer abandons its photos: removed from the server at once.
    let close = move |_| {
        for (_, photo) in photos.get_untracked() {
            if let Photo::Ready(upload) = photo {
                discard(upload.id, i18n.lang.get_untracked());
            }
        }
        on_close.run(());
    };

    let photo_list = move || {
        photos
            .get()
            .into_iter()
            .map(|(key, photo)| {
                let remove = move |_| {
                    if let Photo::Ready(upload) = &photo_of(key) {
                        discard(upload.id, i18n.lang.get_untracked());
                    }
                    photos.update(|list| list.retain(|(k, _)| *k != key));
                };
                let content = match photo {
                    Photo::Uploading => {
                        view! { <span class="spinner" role="status"></span> }.into_any()
                    }
                    Photo::Ready(upload) => {
                        view! { <Img image=upload.image sizes="(min-width: 768px) 232px, 33vw" /> }
                            .into_any()
                    }
                    Photo::Failed(message) => {
                        view! { <span class="form-error" role="alert">{message}</span> }.into_any()
                    }
                };
                view! {
                    <li class="photo">
                        {content}
                        <button
                            type="button"
                            class="photo-remove"
                            aria-label=move || i18n.t().remove_photo
                            on:click=remove
                        >
                            "×"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };

    let product_chips = move || {
        let State::Ready(page) = products.state.get() else {
            return None;
        };
        Some(
            page.items
                .into_iter()
                .map(|card| {
                    let id = card.id;
                    let on = move || tagged.with(|t| t.contains(&id));
                    let toggle = move |_| {
                        tagged.update(|t| {
                            if let Some(at) = t.iter().position(|x| *x == id) {
                                t.remove(at);
                            } else if t.len() < POST_MAX_PRODUCTS {
                                t.push(id);
                            }
                        })
                    };
                    view! {
                        <li>
                            <button
                                type="button"
                                class="chip"
                                class:chip-active=on
                                aria-pressed=move || on().to_string()
                                on:click=toggle
                            >
                                {card.title}
                            </button>
                        </li>
                    }
                })
                .collect_view(),
        )
    };

    view! {
        <form class="card composer" on:submit=publish>
            <h2>{move || i18n.t().new_post}</h2>
            <label>
                <span>{move || i18n.t().post_title}</span>
                <input name="title" maxlength=TITLE_MAX_CHARS required prop:value=title on:input=move |ev| title.set(event_target_value(&ev)) />
            </label>
            <label>
                <span>{move || i18n.t().post_body}</span>
                <textarea name="body" rows="5" maxlength=BODY_MAX_CHARS prop:value=body on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            </label>
            <div class="photos">
                <ul class="photo-list">{photo_list}</ul>
                <label class="button button-quiet photo-pick">
                    {move || {
                        let count = photos.with(Vec::len).to_string();
                        format!("{} {count}/{POST_MAX_IMAGES}", i18n.t().add_photos)
                    }}
                    <input
                        class="visually-hidden"
                        type="file"
                        accept="image/jpeg,image/png,image/webp"
                        multiple
                        on:change=pick
                    />
                </label>
            </div>
            <fieldset class="tag-products">
                <legend>{move || i18n.t().tag_products}</legend>
                <ul class="chip-list">{product_chips}</ul>
            </fieldset>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <div class="composer-actions">
                <button type="button" class="button button-quiet" on:click=close>
                    {move || i18n.t().cancel}
                </button>
                <button class="button" type="submit" disabled=move || pending.get()>
                    {move || i18n.t().publish}
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::paragraphs;

    #[test]
    fn paragraphs_are_the_non_empty_lines() {
        assert_eq!(
            paragraphs("第一段\n\n  第二段 \n"),
            vec!["第一段", "第二段"]
        );
        assert!(paragraphs(" \n\n").is_empty());
    }
}
