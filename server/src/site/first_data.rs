//! What a page's shell carries so that a page opened from a link draws at once: the API
//! answers it draws first (`Route::first_data`), asked of the API router itself with the
//! reader's own cookie and language, so they are byte for byte what the app would have
//! fetched; a preload of the page's wasm pack; and a preload of the picture that will be
//! its largest paint.

use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use quanzi_api::{
    variant, Community, GroupBuy, Image, Page, PayLink, Post, Product, Route, Shop, API_PREFIX,
};
use tower::ServiceExt;

use crate::http::lang::Lang;
use crate::site::html::escape_html;

/// The API router, for the shell's own requests to it.
#[derive(Clone)]
pub struct Api(pub Router);

/// Larger answers are left for the app to fetch: a shell stays small.
const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// One API answer in the shell.
pub struct Answer {
    /// Relative to the API prefix, as the app asks for it: `/products/18`.
    pub path: String,
    pub body: Bytes,
}

/// The first data of a page opened at `uri`: its route's, and who shared the link when it
/// carries a `?ref=` code (the page says "{name} 推荐给你" from its first draw).
pub fn paths(route: &Route, uri: &axum::http::Uri) -> Vec<String> {
    let mut paths = route.first_data();
    let code = uri
        .query()
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|pair| pair.strip_prefix("ref="))
        .and_then(quanzi_api::parse_referral_code);
    if let Some(code) = code.filter(|_| route.has_preview()) {
        paths.push(quanzi_api::path::referrer(&code));
    }
    paths
}

/// Each answer the API gives with status 200 to this reader for `paths`; an answer it
/// refuses (404, an error) is left out, and the app asks for it and shows why.
pub async fn load(
    api: &Api,
    paths: Vec<String>,
    headers: &HeaderMap,
    peer: Option<ConnectInfo<SocketAddr>>,
) -> Vec<Answer> {
    let mut answers = Vec::new();
    for path in paths {
        let mut request = Request::get(format!("{API_PREFIX}{path}"));
        for name in [header::COOKIE, header::ACCEPT_LANGUAGE] {
            for value in headers.get_all(&name) {
                request = request.header(&name, value);
            }
        }
        let Ok(mut request) = request.body(Body::empty()) else {
            continue;
        };
        if let Some(peer) = peer {
            request.extensions_mut().insert(peer);
        }
        let response = match api.0.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        if response.status() != StatusCode::OK {
            continue;
        }
        if let Ok(body) = axum::body::to_bytes(response.into_body(), MAX_ANSWER_BYTES).await {
            answers.push(Answer { path, body });
        }
    }
    answers
}

/// The answers as JSON data blocks for the end of the body, each named by its path and
/// language (which the app must match). `<` is escaped as `\u003c`, which JSON reads back
/// as the same character: no `</script>` or `<!--` can end or change the block.
pub fn scripts(answers: &[Answer], lang: Lang) -> String {
    let tag = lang.tag();
    let mut out = String::new();
    for answer in answers {
        let Ok(json) = std::str::from_utf8(&answer.body) else {
            continue;
        };
        out.push_str(&format!(
            "<script type=\"application/json\" data-api=\"{}\" data-lang=\"{tag}\">{}</script>",
            escape_html(&answer.path),
            json.replace('<', "\\u003c")
        ));
    }
    out
}

/// The page's first answer, read once for its largest picture and its first paint.
pub enum FirstAnswer {
    Feed(Page<Post>),
    Product(Product),
    Post(Post),
    Community(Community),
    Group(GroupBuy),
    Shop(Shop),
    PayLink(PayLink),
}

impl FirstAnswer {
    /// `None` for pages whose first answer draws no picture (the list of communities) and
    /// when the API refused it.
    pub fn read(route: &Route, answers: &[Answer]) -> Option<FirstAnswer> {
        let first = &answers.first()?.body;
        let answer = match route {
            Route::Feed => FirstAnswer::Feed(serde_json::from_slice(first).ok()?),
            Route::Product(_) => FirstAnswer::Product(serde_json::from_slice(first).ok()?),
            Route::Post(_) => FirstAnswer::Post(serde_json::from_slice(first).ok()?),
            Route::Community(_) => FirstAnswer::Community(serde_json::from_slice(first).ok()?),
            Route::GroupBuy(_) => FirstAnswer::Group(serde_json::from_slice(first).ok()?),
            Route::Shop(_) => FirstAnswer::Shop(serde_json::from_slice(first).ok()?),
            Route::PayLink(_) => FirstAnswer::PayLink(serde_json::from_slice(first).ok()?),
            _ => return None,
        };
        Some(answer)
    }

    /// The picture that will be the page's largest paint, and the `sizes` its `<img>` has:
    /// the first post's picture on a feed (or its first product's card), a product's first
    /// gallery picture, a post's first picture, a community's cover, a group's product, a
    /// shop's first pick.
    pub fn largest_picture(&self) -> Option<(&Image, &'static str)> {
        match self {
            FirstAnswer::Feed(page) => post_picture(page.items.first()?),
            FirstAnswer::Product(product) => product.gallery.first().map(column),
            FirstAnswer::Post(post) => post_picture(post),
            FirstAnswer::Community(community) => Some(column(&community.cover)),
            FirstAnswer::Group(group) => Some(column(&group.product.image)),
            FirstAnswer::Shop(shop) => shop.products.first().map(|p| card(&p.image)),
            FirstAnswer::PayLink(link) => link.lines.first().map(|l| card(&l.product.image)),
        }
    }

    /// The page's top bar and largest picture, drawn by the browser from the shell, where
    /// the app will draw them, before the app's wasm has arrived: a shopper opening a shared
    /// link sees the product at once. It lies over the page (`#first-paint` in the css: out
    /// of the flow, so taking it away moves nothing) and the shell's start script takes it
    /// away once the app has drawn the same picture. Only the pages whose largest paint is a
    /// picture near their top have one: the feed (its first post's), a product, a post, a
    /// community, a group (its product's).
    pub fn first_paint(&self) -> Option<String> {
        let gallery = |images: &[Image]| {
            let single = if images.len() == 1 {
                " gallery-single"
            } else {
                ""
            };
            Some(format!(
                "<ul class=\"gallery{single}\"><li class=\"gallery-slide\">{}</li></ul>",
                img(images.first()?, "")
            ))
        };
        let article =
            |class: &str, inside: String| format!("<article class=\"{class}\">{inside}</article>");
        let frame = match self {
            // The feed's first card, below the community chips; the chips and the card's
            // byline are boxes of their height with nothing in them (one line each: `.chips`
            // scrolls, `.byline` does not wrap).
            FirstAnswer::Feed(page) => {
                let gallery = gallery(&page.items.first()?.images)?;
                let byline = "<div class=\"byline\"><span class=\"avatar\"></span></div>";
                format!(
                    "<nav class=\"chips\"><ul><li><span class=\"chip\">&#160;</span></li></ul></nav>\
                     <div class=\"feed\">{}</div>",
                    article("card post-card", format!("{byline}{gallery}"))
                )
            }
            FirstAnswer::Product(product) => article(
                "product-page",
                format!(
                    "<div class=\"product-media\">{}</div>",
                    gallery(&product.gallery)?
                ),
            ),
            FirstAnswer::Post(post) => article("post-page", gallery(&post.images)?),
            FirstAnswer::Community(community) => format!(
                "<header class=\"community-header\">{}</header>",
                img(&community.cover, "community-cover")
            ),
            // The title is one line (a box of its height); the product card's picture below.
            FirstAnswer::Group(group) => article(
                "group-page",
                format!(
                    "<h1>&#160;</h1><div class=\"product-card product-card-large\">\
                     <span class=\"product-card-media\">{}</span></div>",
                    img(&group.product.image, "product-card-image")
                ),
            ),
            // A shop's and a pay-for-me link's largest paint is a small card's picture among
            // their text: preloaded, not drawn ahead.
            FirstAnswer::Shop(_) | FirstAnswer::PayLink(_) => return None,
        };
        // The cart link's box sets the bar's height; the brand's name and the buttons come
        // with the app.
        Some(format!(
            "<div id=\"first-paint\" aria-hidden=\"true\"><div class=\"top-bar\"><span class=\"brand\">\
             <img src=\"/icons/icon.svg\" width=\"28\" height=\"28\" alt=\"\"></span>\
             <span class=\"cart-link\"></span></div><div class=\"page\">{frame}</div></div>"
        ))
    }
}

fn column(image: &Image) -> (&Image, &'static str) {
    (image, variant::COLUMN_SIZES)
}

fn card(image: &Image) -> (&Image, &'static str) {
    (image, variant::CARD_SIZES)
}

/// A post's first picture, or its first product's card.
fn post_picture(post: &Post) -> Option<(&Image, &'static str)> {
    post.images
        .first()
        .map(column)
        .or_else(|| post.products.first().map(|p| card(&p.image)))
}

/// An `<img>` as the app's `Img` draws a page's first picture: the same copies and
/// `sizes`, so the browser shows the copy it has already fetched.
fn img(image: &Image, class: &str) -> String {
    let set = variant::srcset(image).unwrap_or_default();
    format!(
        "<img class=\"{class}\" src=\"{}\" srcset=\"{}\" sizes=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\" fetchpriority=\"high\">",
        escape_html(&image.url),
        escape_html(&set),
        variant::COLUMN_SIZES,
        image.width,
        image.height,
        escape_html(&image.alt)
    )
}

/// A preload of `picture`, fetched at high priority before the app has drawn its `<img>`:
/// with the same `srcset` and `sizes` as that `<img>`, so the browser picks the same copy
/// and fetches it once.
pub fn picture_preload(picture: &Image, sizes: &str) -> String {
    let mut link = format!(
        "<link rel=preload as=image fetchpriority=high href=\"{}\"",
        escape_html(&picture.url)
    );
    if let Some(set) = variant::srcset(picture) {
        link.push_str(&format!(
            " imagesrcset=\"{}\" imagesizes=\"{}\"",
            escape_html(&set),
            escape_html(sizes)
        ));
    }
    link.push('>');
    link
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_blocks_cannot_be_closed_by_their_content() {
        let answers = [Answer {
            path: "/feed?limit=10&community=x".to_owned(),
            body: Bytes::from_static(br#"{"t":"</script><script>alert(1)</script><!--"}"#),
        }];
        let html = scripts(&answers, Lang::En);
        assert_eq!(
            html,
            "<script type=\"application/json\" data-api=\"/feed?limit=10&amp;community=x\" \
             data-lang=\"en\">{\"t\":\"\\u003c/script>\\u003cscript>alert(1)\\u003c/script>\\u003c!--\"}</script>"
        );
        let json = html
            .split_once('>')
            .and_then(|(_, rest)| rest.strip_suffix("</script>"))
            .unwrap_or_default();
        let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        assert_eq!(
            value["t"], "</script><script>alert(1)</script><!--",
            "JSON reads the escaped text back unchanged"
        );
    }
}
