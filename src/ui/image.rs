//! Pictures always carry their width and height, so nothing jumps while they load.

use leptos::prelude::*;
use quanzi_api::Image;

#[component]
pub fn Img(
    image: Image,
    #[prop(optional)] class: &'static str,
    /// The first picture on a page loads eagerly; the rest wait until they are near.
    #[prop(optional)]
    eager: bool,
) -> impl IntoView {
    view! {
        <img
            class=class
            src=image.url
            width=image.width
            height=image.height
            alt=image.alt
            loading=if eager { "eager" } else { "lazy" }
            decoding="async"
        />
    }
}
