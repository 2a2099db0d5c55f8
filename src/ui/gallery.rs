//! A swipeable row of pictures (CSS scroll-snap: no script, works with one thumb).

use leptos::prelude::*;
use quanzi_api::Image;

use super::image::Img;
use crate::i18n::{fill, use_i18n};

/// Drawn again, not updated, when the language changes (its post or product is fetched
/// again in it), so the slides' labels are made once.
#[component]
pub fn Gallery(
    images: Vec<Image>,
    /// Eager-load the first picture (it is the page's largest paint).
    #[prop(optional)]
    eager: bool,
) -> impl IntoView {
    let total = images.len();
    let of_total = fill(use_i18n().t_untracked().image_of, "n", &total.to_string());
    let slides = images
        .into_iter()
        .enumerate()
        .map(|(index, image)| {
            let label = fill(&of_total, "i", &(index + 1).to_string());
            view! {
                <li class="gallery-slide" aria-label=label>
                    <Img image=image eager=eager && index == 0 />
                </li>
            }
        })
        .collect_view();
    // More than one picture scrolls sideways: keyboard users reach it to scroll it with the
    // arrow keys (it holds nothing else that takes focus).
    view! {
        <ul class="gallery" class:gallery-single=total == 1 tabindex=(total > 1).then_some("0")>
            {slides}
        </ul>
    }
}
