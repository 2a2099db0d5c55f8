//! 拼团须知, on product and group pages: how many make a group and for how long it is
//! open, that it ships once full, and that a group that does not fill is refunded in full.

use leptos::prelude::*;

use crate::i18n::{fill, use_i18n};

/// 拼团须知: the size and window, shipping once full, the refund when it does not fill.
#[component]
pub fn GroupRules(size: u32, window_hours: Option<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let size = size.to_string();
    let days = quanzi_api::order::SHIPS_WITHIN_DAYS.to_string();
    view! {
        <section class="group-rules" aria-labelledby="group-rules-title">
            <h2 id="group-rules-title">{move || i18n.t().rules_title}</h2>
            <ol>
                <li>
                    {move || match window_hours {
                        Some(hours) => fill(&fill(i18n.t().rule_size, "n", &size), "h", &hours.to_string()),
                        None => fill(i18n.t().rule_size_only, "n", &size),
                    }}
                </li>
                <li>{move || fill(i18n.t().rule_ship, "n", &days)}</li>
                <li>{move || i18n.t().rule_refund}</li>
            </ol>
        </section>
    }
}
