//! The member's referral results on `/me`: their code and share link, what the code has
//! brought (visits, sign-ups, orders, earnings, with a link to the earnings page) and the
//! last 30 days as a small chart the app draws itself (an SVG, no chart library to
//! download).

use leptos::prelude::*;
use quanzi_api::{href, Money, ReferralDay, Referrals, Route};

use crate::components::share::{copy, public_origin, share_link, Copied};
use crate::i18n::{fill, use_i18n, Lang};
use crate::ui::price::format_money;
use crate::ui::remote::{fetch, loaded};

#[component]
pub fn ReferralDashboard() -> impl IntoView {
    let i18n = use_i18n();
    let referrals = fetch::<Referrals>(|| "/account/referrals".to_owned());
    view! {
        <section class="card referrals" aria-labelledby="referrals-title">
            <h2 id="referrals-title">{move || i18n.t().referrals_title}</h2>
            {loaded(referrals, |referrals| view! { <Results referrals /> })}
        </section>
    }
}

#[component]
fn Results(referrals: Referrals) -> impl IntoView {
    let i18n = use_i18n();
    let link = share_link(&public_origin(), &href(Route::Feed), Some(&referrals.code));
    let copied = RwSignal::new(None::<Copied>);
    let to_copy = link.clone();
    let value = format_money(&referrals.order_value);
    let totals = [
        (referrals.visits, "visits"),
        (referrals.sign_ups, "sign_ups"),
        (referrals.orders, "orders"),
    ];
    view! {
        <p class="referral-code">
            <span class="muted">{move || i18n.t().my_code}</span>
            " "
            <strong class="code">{referrals.code.clone()}</strong>
        </p>
        <div class="share-link-row">
            <label class="visually-hidden" for="my-share-link">
                {move || i18n.t().share_link}
            </label>
            <input id="my-share-link" class="share-link" readonly prop:value=link />
            <button class="button" on:click=move |_| copy(&to_copy, copied)>
                {move || i18n.t().copy_link}
            </button>
        </div>
        <p class="share-status" role="status">
            {move || match copied.get() {
                Some(Copied::Yes) => i18n.t().link_copied,
                Some(Copied::No) => i18n.t().copy_failed,
                _ => "",
            }}
        </p>
        <dl class="referral-totals">
            {totals
                .into_iter()
                .map(|(n, what)| {
                    view! {
                        <div data-total=what>
                            <dt>
                                {move || {
                                    let t = i18n.t();
                                    match what {
                                        "visits" => t.visits,
                                        "sign_ups" => t.sign_ups,
                                        _ => t.orders,
                                    }
                                }}
                            </dt>
                            <dd>{move || i18n.lang.get().count(n)}</dd>
                        </div>
                    }
                })
                .collect_view()}
            <div data-total="order_value">
                <dt>{move || i18n.t().order_value}</dt>
                <dd>{value}</dd>
            </div>
        </dl>
        <p class="earnings-links">
            <a href=href(Route::Earnings)>{move || earned_words(i18n.lang.get()).1}</a>
            <a href=href(Route::Shop(referrals.code.clone()))>{move || earned_words(i18n.lang.get()).2}</a>
        </p>
        <Chart days=referrals.days />
    }
}

/// This card's own words (the account pack's, not the first load's): the earnings series
/// and the link to the earnings page.
fn earned_words(lang: Lang) -> (&'static str, &'static str, &'static str) {
    match lang {
        Lang::ZhCn => ("收益", "我的收益 ›", "我的小店 ›"),
        Lang::En => ("Earned", "My earnings ›", "My shop ›"),
    }
}

/// Each day's earnings as a point of the line over the bars: `x,y` pairs, the best day at
/// the top (a scale of its own: money is not counted in visits). A day that took more
/// back than it earned sits on the axis.
fn earnings_line(days: &[ReferralDay]) -> String {
    let top = days
        .iter()
        .map(|d| d.earnings.amount)
        .max()
        .unwrap_or(0)
        .max(1);
    days.iter()
        .enumerate()
        .map(|(i, d)| {
            let y = HEIGHT - (d.earnings.amount.clamp(0, top) * i64::from(HEIGHT) / top) as u32;
            format!("{},{y}", i as u32 * SLOT + 3)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The chart's drawing area, in SVG units: a 10-unit slot per day, bars 0 to `HEIGHT`.
const SLOT: u32 = 10;
const HEIGHT: u32 = 100;

/// Each day's bar heights `(visits, sign-ups, orders)`, scaled so the busiest day fills
/// the chart. Whole units: no float formatting in the wasm for a chart this size.
fn bars(days: &[ReferralDay]) -> Vec<(u32, u32, u32)> {
    let top = days
        .iter()
        .map(|d| d.visits.max(d.sign_ups).max(d.orders))
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = |n: u32| (u64::from(n) * u64::from(HEIGHT) / u64::from(top)) as u32;
    days.iter()
        .map(|d| (scale(d.visits), scale(d.sign_ups), scale(d.orders)))
        .collect()
}

/// Bars of visits per day, sign-ups drawn over them in the darker colour, orders beside.
#[component]
fn Chart(days: Vec<ReferralDay>) -> impl IntoView {
    let i18n = use_i18n();
    let visits: u32 = days.iter().map(|d| d.visits).sum();
    let sign_ups: u32 = days.iter().map(|d| d.sign_ups).sum();
    let orders: u32 = days.iter().map(|d| d.orders).sum();
    let earned = format_money(&Money::cny(days.iter().map(|d| d.earnings.amount).sum()));
    let line = earnings_line(&days);
    let width = SLOT * days.len().max(1) as u32;
    // `MM-DD` of the first and last day, under the chart's two ends.
    let short = |d: Option<&ReferralDay>| d.map(|d| d.date.get(5..).unwrap_or("").to_owned());
    let (first, last) = (short(days.first()), short(days.last()));
    let rects = bars(&days)
        .into_iter()
        .zip((0..).step_by(SLOT as usize))
        .map(|((visit, sign_up, order), x): ((u32, u32, u32), u32)| {
            view! {
                <rect class="bar-visits" x=x y=HEIGHT - visit width="6" height=visit />
                <rect class="bar-sign-ups" x=x y=HEIGHT - sign_up width="6" height=sign_up />
                <rect class="bar-orders" x=x + 6 y=HEIGHT - order width="3" height=order />
            }
        })
        .collect_view();
    view! {
        <figure class="referral-chart">
            <svg
                viewBox=format!("0 0 {width} {}", HEIGHT + 14)
                role="img"
                aria-label=move || {
                    let label = fill(i18n.t().referral_chart, "v", &visits.to_string());
                    let label = fill(&label, "s", &sign_ups.to_string());
                    let label = fill(&label, "o", &orders.to_string());
                    format!("{label}; {} {earned}", earned_words(i18n.lang.get()).0)
                }
            >
                <line class="axis" x1="0" x2=width y1=HEIGHT y2=HEIGHT />
                {rects}
                <polyline class="line-earnings" points=line />
                <text x="0" y=HEIGHT + 12 class="chart-label">{first}</text>
                <text x=width y=HEIGHT + 12 class="chart-label end">{last}</text>
            </svg>
            <figcaption class="chart-legend muted">
                <span class="legend-visits">{move || i18n.t().visits}</span>
                <span class="legend-sign-ups">{move || i18n.t().sign_ups}</span>
                <span class="legend-orders">{move || i18n.t().orders}</span>
                <span class="legend-earnings">{move || earned_words(i18n.lang.get()).0}</span>
                {move || i18n.t().last_30_days}
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::{bars, earnings_line, HEIGHT};
    use quanzi_api::{Money, ReferralDay};

    fn day(visits: u32, sign_ups: u32) -> ReferralDay {
        ReferralDay {
            date: "2026-11-22".into(),
            visits,
            sign_ups,
            orders: 0,
            order_value: Money::cny(0),
            earnings: Money::cny(0),
        }
    }

    #[test]
    fn the_busiest_day_fills_the_chart() {
        let bars = bars(&[day(0, 0), day(4, 1), day(2, 2)]);
        assert_eq!(
            bars,
            [
                (0, 0, 0),
                (HEIGHT, HEIGHT / 4, 0),
                (HEIGHT / 2, HEIGHT / 2, 0)
            ]
        );
    }

    #[test]
    fn the_best_earning_day_tops_the_line_and_a_taking_back_sits_on_the_axis() {
        let mut days = vec![day(0, 0); 3];
        days[1].earnings = Money::cny(400);
        days[2].earnings = Money::cny(-100);
        assert_eq!(earnings_line(&days), "3,100 13,0 23,100");
    }

    #[test]
    fn quiet_days_draw_nothing_and_divide_by_nothing() {
        assert!(bars(&vec![day(0, 0); 30]).iter().all(|b| *b == (0, 0, 0)));
        assert!(bars(&[]).is_empty());
    }
}
