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

/// "2人团 ¥19.90 · 单买 ¥29.90": the group price leads when there is a group offer.
#[component]
pub fn Prices(
    solo: Money,
    group: Option<GroupPrice>,
    /// Large variant for product pages.
    #[prop(optional)]
    large: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let solo_text = format_money(&solo);
    let class = if large {
        "prices prices-large"
    } else {
        "prices"
    };
    match group {
        Some(group) => {
            let group_text = format_money(&group.price);
            let save = saving(&solo, &group.price).map(|m| format_money(&m));
            let size = group.size.to_string();
            view! {
                <div class=class>
                    <span class="price-group">
                        <span class="price-group-label">
                            {move || fill(i18n.t().group_of, "n", &size)}
                        </span>
                        " "
                        <strong class="price-group-amount">{group_text}</strong>
                    </span>
                    <span class="price-solo">
                        {move || i18n.t().solo}
                        " "
                        {solo_text}
                    </span>
                    {save
                        .map(|amount| {
                            view! {
                                <span class="price-save">
                                    {move || fill(i18n.t().save, "amount", &amount)}
                                </span>
                            }
                        })}
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
