//! The console's communities (owners): a new community with its cover, and who moderates
//! each one (appointed by email, relieved in one tap). The members list of a community runs
//! owners first, then moderators, so its first page shows them all.

use gloo_net::http::Method;
use leptos::prelude::*;
use quanzi_api::{
    check, href, path, Community, CommunityMember, ErrorCode, Moderator, NewCommunity, Page, Role,
    Route,
};

use super::words::{community_words, CommunityWords};
use crate::client::{js_object, write_json, RequestBody};
use crate::components::composer::upload_photo;
use crate::i18n::use_i18n;
use crate::task::spawn;
use crate::ui::remote::{fetch, loaded};

fn use_community_words() -> impl Fn() -> &'static CommunityWords + Copy {
    let i18n = use_i18n();
    move || community_words(i18n.lang.get())
}

/// The communities, read when opened.
#[component]
pub fn Communities() -> impl IntoView {
    let w = use_community_words();
    let open = RwSignal::new(false);
    view! {
        <details class="card staff-audit" on:toggle=move |_| open.set(true)>
            <summary>{move || w().communities}</summary>
            {move || open.get().then(|| view! { <CommunityList /> })}
        </details>
    }
}

#[component]
fn CommunityList() -> impl IntoView {
    let communities = fetch::<Page<Community>>(path::communities);
    view! {
        <NewCommunityForm on_created=move |()| communities.retry() />
        {loaded(communities, move |page| {
            view! {
                <ul class="staff-products">
                    {page
                        .items
                        .into_iter()
                        .map(|c| view! { <li class="staff-product"><Moderators community=c /></li> })
                        .collect_view()}
                </ul>
            }
        })}
    }
}

/// A community's moderators, and the form that appoints one by email.
#[component]
fn Moderators(community: Community) -> impl IntoView {
    let i18n = use_i18n();
    let w = use_community_words();
    let slug = community.slug.clone();
    let members_path = format!("/communities/{slug}/members?limit=50");
    let members = fetch::<Page<CommunityMember>>(move || members_path.clone());
    let email = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let send = move |method: Method, path: String, body: Option<js_sys::Object>| {
        let method_is_delete = method == Method::DELETE;
        busy.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let body = body.as_ref().map(|b| b as &dyn RequestBody);
            let answer = write_json::<()>(method, &path, lang, body).await;
            busy.set(false);
            match answer {
                Ok(()) => {
                    email.set(String::new());
                    members.retry();
                }
                // Relieved by someone else meanwhile: the list says how it stands.
                Err(e) if method_is_delete && e.code() == Some(ErrorCode::NotFound) => {
                    members.retry();
                }
                Err(e) => error.set(Some(w().error(i18n.t(), &e))),
            }
        });
    };
    let appoint_path = format!("/staff/communities/{slug}/moderators");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = Moderator {
            email: email.get_untracked(),
        };
        if check::email(&body.email).is_err() {
            error.set(Some(i18n.t().error_email));
            return;
        }
        let body = js_object(&[("email", body.email.as_str().into())]);
        send(Method::PUT, appoint_path.clone(), Some(body));
    };
    let field = format!("moderator-{slug}");
    view! {
        <span class="staff-product-text">
            <a href=href(Route::Community(slug.clone()))>{community.name}</a>
            {loaded(members, move |page| {
                let slug = slug.clone();
                page.items
                    .into_iter()
                    .filter(|m| m.role == Role::Moderator)
                    .map(|m| {
                        let path = format!("/staff/communities/{slug}/moderators/{}", m.member.id);
                        view! {
                            <span class="staff-team-member">
                                {m.member.name} " · " {move || w().moderator}
                                <button type="button" class="button button-quiet" disabled=move || busy.get()
                                    on:click=move |_| send(Method::DELETE, path.clone(), None)>
                                    {move || w().relieve}
                                </button>
                            </span>
                        }
                    })
                    .collect_view()
            })}
            <form class="staff-search" on:submit=submit>
                <label for=field.clone()>{move || w().appoint_label}</label>
                <input id=field type="email" autocomplete="off" prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev)) />
                <button type="submit" class="button" disabled=move || busy.get()>{move || w().appoint}</button>
            </form>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </span>
    }
}

/// A new community: its address, names and descriptions in both languages, and a cover.
#[component]
fn NewCommunityForm(#[prop(into)] on_created: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let w = use_community_words();
    let text = || RwSignal::new(String::new());
    let (slug, name_zh, name_en) = (text(), text(), text());
    let (description_zh, description_en) = (text(), text());
    let cover = RwSignal::new(None::<(i64, String)>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.item(0)) else {
            return;
        };
        busy.set(true);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let answer = upload_photo(&file, lang).await;
            busy.set(false);
            match answer {
                Ok(upload) => cover.set(Some((upload.id, upload.image.url))),
                Err(message) => error.set(Some(message)),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((cover_upload_id, _)) = cover.get_untracked() else {
            error.set(Some(w().error_cover));
            return;
        };
        let body = NewCommunity {
            slug: slug.get_untracked().trim().to_owned(),
            name_zh: name_zh.get_untracked(),
            name_en: name_en.get_untracked(),
            description_zh: description_zh.get_untracked(),
            description_en: description_en.get_untracked(),
            cover_upload_id,
        };
        busy.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let body = new_community_js(&body);
            let answer =
                write_json::<Community>(Method::POST, "/staff/communities", lang, Some(&body))
                    .await;
            busy.set(false);
            match answer {
                Ok(_) => {
                    for field in [slug, name_zh, name_en, description_zh, description_en] {
                        field.set(String::new());
                    }
                    cover.set(None);
                    on_created.run(());
                }
                Err(e) => error.set(Some(w().error(i18n.t(), &e))),
            }
        });
    };
    let line = move |id: &'static str,
                     label: fn(&CommunityWords) -> &'static str,
                     value: RwSignal<String>| {
        view! {
            <label for=id>{move || label(w())}</label>
            <input id=id prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        }
    };
    view! {
        <form class="staff-form product-editor" on:submit=submit>
            <h2>{move || w().new_community}</h2>
            {line("community-slug", |w| w.slug, slug)}
            {line("community-name-zh", |w| w.name_zh, name_zh)}
            {line("community-name-en", |w| w.name_en, name_en)}
            {line("community-description-zh", |w| w.description_zh, description_zh)}
            {line("community-description-en", |w| w.description_en, description_en)}
            {move || cover.get().map(|(_, url)| view! {
                <img src=url alt="" width="120" height="68" class="staff-thumb" />
            })}
            <label for="community-cover" class="button button-quiet">{move || w().cover}</label>
            <input id="community-cover" class="visually-hidden" type="file" accept="image/jpeg,image/png,image/webp"
                on:change=pick />
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <button type="submit" class="button" disabled=move || busy.get()>{move || w().create}</button>
        </form>
    }
}

/// A `NewCommunity` as the request's JSON (see `client::RequestBody`).
fn new_community_js(c: &NewCommunity) -> js_sys::Object {
    js_object(&[
        ("slug", c.slug.as_str().into()),
        ("name_zh", c.name_zh.as_str().into()),
        ("name_en", c.name_en.as_str().into()),
        ("description_zh", c.description_zh.as_str().into()),
        ("description_en", c.description_en.as_str().into()),
        (
            "cover_upload_id",
            wasm_bindgen::JsValue::from_f64(c.cover_upload_id as f64),
        ),
    ])
}
