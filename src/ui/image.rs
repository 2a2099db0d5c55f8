//! Pictures always carry their width and height, so nothing jumps while they load, and
//! list the server's phone-sized copies (`quanzi_api::variant`) so a phone fetches the
//! smallest that is sharp at the width the layout shows.

use leptos::prelude::*;
use quanzi_api::variant::{srcset, COLUMN_SIZES};
use quanzi_api::Image;

#[component]
pub fn Img(
    image: Image,
    #[prop(optional)] class: &'static str,
    /// How wide the layout shows it (`sizes`); by default the page's column.
    #[prop(optional)]
    sizes: Option<&'static str>,
    /// The first picture on a page loads eagerly, first of all; the rest wait until they
    /// are near.
    #[prop(optional)]
    eager: bool,
) -> impl IntoView {
    let set = srcset(&image).unwrap_or_default();
    // Plain strings rather than optional attributes: each attribute type costs wasm bytes,
    // and browsers ignore an empty `srcset` (then `sizes` too) and use `src`.
    view! {
        <img
            class=class
            src=image.url
            srcset=set
            sizes=sizes.unwrap_or(COLUMN_SIZES)
            width=image.width
            height=image.height
            alt=image.alt
            loading=if eager { "eager" } else { "lazy" }
            decoding=if eager { "auto" } else { "async" }
            fetchpriority=if eager { "high" } else { "auto" }
        />
    }
}
