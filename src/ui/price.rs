//! Prices: the group price large, the solo price beside it, the saving in words.

use leptos::prelude::*;
use quanzi_api::{GroupPrice, Money};

use crate::i18n::{fill, use_i18n};

pub use quanzi_api::format_money;

/// How much the group price saves over the solo price, when it does and the currencies match.
pub fn saving(solo: &Money, group: &Money) -> Option<Money> {
    (solo.currency == group.currency && solo.amount > group.amount).then(|| Money {
        amount: solo.amount - group.amount,
        currency: solo.currency.clone(),
    })
}

/// "2人团 ¥19.90 · 单买 ¥29.90": the group price leads when there is a group offer. Drawn
/// again, not updated, when the language changes (its product is fetched again in it), so
/// its words are read once: no effect of their own on every card of a feed.
#[component]
pub fn Prices(
    solo: Money,
    group: Option<GroupPrice>,
    /// Large variant for product pages.
    #[prop(optional)]
    large: bool,
) -> impl IntoView {
    let t = use_i18n().t_untracked();
    let solo_text = format_money(&solo);
    let class = if large {
        "prices prices-large"
    } else {
        "prices"
    };
    match group {
        Some(group) => {
            let save =
                saving(&solo, &group.price).map(|m| fill(t.save, "amount", &format_money(&m)));
            view! {
                <div class=class>
                    <span class="price-group">
                        <span class="price-group-label">
                            {fill(t.group_of, "n", &group.size.to_string())}
                        </span>
                        " "
                        <strong class="price-group-amount">{format_money(&group.price)}</strong>
                    </span>
                    <span class="price-solo">{t.solo} " " {solo_text}</span>
                    {save.map(|save| view! { <span class="price-save">{save}</span> })}
                </div>
            }
            .into_any()
        }
        None => view! {
            <div class=class>
                <strong class="price-only">{solo_text}</strong>
            </div>
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_cny_from_minor_units() {
        assert_eq!(format_money(&Money::cny(1990)), "¥19.90");
        assert_eq!(format_money(&Money::cny(5)), "¥0.05");
        assert_eq!(format_money(&Money::cny(89900)), "¥899.00");
        assert_eq!(format_money(&Money::cny(0)), "¥0.00");
        assert_eq!(format_money(&Money::cny(-250)), "-¥2.50");
    }

    #[test]
    fn formats_other_currencies_with_their_code() {
        let usd = Money {
            amount: 1234,
            currency: "USD".into(),
        };
        assert_eq!(format_money(&usd), "USD 12.34");
    }

    #[test]
    fn extreme_amounts_do_not_overflow() {
        let text = format_money(&Money::cny(i64::MIN));
        assert!(text.starts_with("-¥"));
    }

    #[test]
    fn saving_only_when_group_is_cheaper_in_same_currency() {
        assert_eq!(
            saving(&Money::cny(2990), &Money::cny(1990)),
            Some(Money::cny(1000))
        );
        assert_eq!(saving(&Money::cny(1990), &Money::cny(1990)), None);
        let usd = Money {
            amount: 1,
            currency: "USD".into(),
        };
        assert_eq!(saving(&Money::cny(2990), &usd), None);
    }
}
