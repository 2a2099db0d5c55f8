//! A swipeable row of pictures (CSS scroll-snap: no script, works with one thumb).

use leptos::prelude::*;
use quanzi_api::Image;

use super::image::Img;
use crate::i18n::{fill, use_i18n};

#[component]
pub fn Gallery(
    images: Vec<Image>,
    /// Eager-load the first picture (it is the page's largest paint).
    #[prop(optional)]
    eager: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let total = images.len();
    let single = total == 1;
    let slides = images
        .into_iter()
        .enumerate()
        .map(|(index, image)| {
            let position = (index + 1).to_string();
            let total = total.to_string();
            view! {
                <li
                    class="gallery-slide"
                    aria-label=move || {
                        fill(&fill(i18n.t().image_of, "i", &position), "n", &total)
                    }
                >
                    <Img image=image eager=eager && index == 0 />
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="gallery" class:gallery-single=single>
            {slides}
        </ul>
    }
}
