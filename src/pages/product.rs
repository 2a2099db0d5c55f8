//! The product page (`/p/{id}`): pictures, who recommended it (a shared link), prices, the
//! open group closest to full right under them, what it has sold, the buy box (a bar fixed
//! at the bottom on phones), the group rules and the promises (delivery, returns), the
//! open groups, the story and the posts that feature it. From 900 px wide: the pictures and
//! the story on the left, the buying on the right, kept in view.

use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{
    href, href_with, path, ErrorCode, FlashReminder, FlashSale, GroupBuy, GroupKind, GroupOffer,
    GroupPrice, MyShop, Page, PostSummary, Product, Route, StoryBlock,
};

use crate::client::{get_json, write_json};
use crate::components::group_rules::GroupRules;
use crate::components::open_groups::{join_href, OpenGroups};
use crate::components::product_card::ProductCard;
use crate::components::recommender::Recommender;
use crate::components::share::ShareButton;
use crate::i18n::{fill, use_i18n, Lang};
use crate::state::cart::{add_to_cart, use_cart};
use crate::state::session::{sign_in_href, use_session};
use crate::task::{sleep, spawn, spawn_scoped};
use crate::ui::avatar::Avatar;
use crate::ui::countdown::{page_hidden, parse_time, provide_clock, use_clock, Countdown};
use crate::ui::form::form_error;
use crate::ui::gallery::Gallery;
use crate::ui::head::{page_title, set_head};
use crate::ui::image::Img;
use crate::ui::price::{format_money, Prices};
use crate::ui::remote::{fetch, loaded, Remote, State};

/// "2人团 ¥19.90 · 单买 ¥29.90" for the meta description, in the page's language.
fn price_line(product: &Product, strings: &crate::i18n::Strings) -> String {
    let solo = format_money(&product.solo_price);
    match &product.group_offer {
        Some(offer) => format!(
            "{} {} · {} {}",
            fill(strings.group_of, "n", &offer.size.to_string()),
            format_money(&offer.price),
            strings.solo,
            solo
        ),
        None => solo,
    }
}

#[component]
fn Story(blocks: Vec<StoryBlock>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="story">
            <h2>{move || i18n.t().story}</h2>
            {blocks
                .into_iter()
                .map(|block| match block {
                    StoryBlock::Text { text } => view! { <p>{text}</p> }.into_any(),
                    StoryBlock::Image { image } => {
                        view! {
                            <figure>
                                <Img image />
                            </figure>
                        }
                            .into_any()
                    }
                })
                .collect_view()}
        </section>
    }
}

/// The open group closest to full (then the soonest to end) that the reader is not in:
/// "2 人在拼，可直接参团 · 还差1人 · 剩 03:12:09", a tap from joining it.
#[component]
fn GroupTeaser(groups: Vec<GroupBuy>, #[prop(into)] on_end: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let forming = groups.len().to_string();
    let best = groups
        .into_iter()
        .filter(|g| g.viewer_order_id.is_none() && g.seats_left > 0)
        .min_by(|a, b| (a.seats_left, &a.deadline).cmp(&(b.seats_left, &b.deadline)))?;
    let deadline = parse_time(&best.deadline).unwrap_or(0);
    let (id, left) = (best.id, best.seats_left.to_string());
    Some(view! {
        <a class="group-teaser" href=move || join_href(session.me.with(Option::is_some), id)>
            <Avatar author=best.leader />
            <span class="group-teaser-text">
                <strong>{move || fill(i18n.t().groups_forming, "n", &forming)}</strong>
                <span>
                    {move || fill(i18n.t().seats_left, "n", &left)} " · " {move || i18n.t().time_left}
                    " " <Countdown deadline on_end />
                </span>
            </span>
            <span class="group-teaser-go" aria-hidden="true">{move || i18n.t().join_group} " ›"</span>
        </a>
    })
}

/// What real orders say (units sold, groups formed; nothing while there are none), the
/// buyer shows, and the promises: the delivery fee rule with when it ships, the returns.
#[component]
fn TrustLines(product: TrustFacts) -> impl IntoView {
    use quanzi_api::order::{FREE_DELIVERY_FROM, RETURN_DAYS, SHIPS_WITHIN_DAYS};
    let i18n = use_i18n();
    let TrustFacts {
        sold,
        groups_formed,
        shows,
    } = product;
    let count = move |template: fn(&crate::i18n::Strings) -> &'static str, n: u32| {
        move || fill(template(i18n.t()), "n", &i18n.lang.get().count(n))
    };
    view! {
        <ul class="trust-lines">
            {(sold > 0).then(|| view! { <li>{count(|t| t.sold_count, sold)}</li> })}
            {(groups_formed > 0).then(|| view! { <li>{count(|t| t.groups_formed, groups_formed)}</li> })}
            {(shows > 0).then(|| view! { <li><a href="#featured-title">{count(|t| t.shows_count, shows)}</a></li> })}
            <li>
                {move || {
                    fill(i18n.t().delivery_rule, "amount", &format_money(&quanzi_api::Money::cny(FREE_DELIVERY_FROM)))
                }}
                " · "
                {move || fill(i18n.t().ships_solo, "n", &SHIPS_WITHIN_DAYS.to_string())}
            </li>
            <li>{move || fill(i18n.t().returns_rule, "n", &RETURN_DAYS.to_string())}</li>
        </ul>
    }
}

/// The counts [`TrustLines`] shows.
#[derive(Clone, Copy)]
struct TrustFacts {
    sold: u32,
    groups_formed: u32,
    shows: u32,
}

#[component]
fn FeaturedIn(posts: Vec<PostSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let list = if posts.is_empty() {
        view! { <p class="muted">{move || i18n.t().no_posts_yet}</p> }.into_any()
    } else {
        view! {
            <ul class="featured-list">
                {posts
                    .into_iter()
                    .map(|post| {
                        view! {
                            <li>
                                <a href=href(Route::Post(post.id)) class="featured-item">
                                    {post
                                        .image
                                        .map(|image| {
                                            view! { <Img image class="featured-image" sizes="64px" /> }
                                        })}
                                    <span class="featured-text">
                                        <span class="featured-title">{post.title}</span>
                                        <span class="featured-author">
                                            <Avatar author=post.author.clone() />
                                            {post.author.name}
                                        </span>
                                    </span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="featured">
            <h2 id="featured-title" tabindex="-1">{move || i18n.t().featured_in}</h2>
            {list}
        </section>
    }
}

#[component]
fn ProductView(product: Product, groups: Remote<Page<GroupBuy>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Once the groups have answered (or failed), for good: a refresh keeps the page drawn.
    let settled = Memo::new(move |was: Option<&bool>| {
        was == Some(&true) || groups.state.with(|s| !matches!(s, State::Loading))
    });
    let (id, title) = (product.id, product.title.clone());
    let t = i18n.t_untracked();
    set_head(
        &page_title(&product.title, t.app_name),
        &format!("{} · {}", price_line(&product, t), product.subtitle),
    );
    let group = product.group_offer.as_ref().map(|offer| GroupPrice {
        price: offer.price.clone(),
        size: offer.size,
    });
    let window = product
        .group_offer
        .as_ref()
        .map(|offer| offer.window_hours.to_string());
    let (stock, published) = (product.stock, product.published);
    let community = product.community.clone();
    let slug = community.slug.clone();
    // Every product has a picture (the server checks); the card is what a cart keeps.
    let card = product
        .gallery
        .first()
        .cloned()
        .map(|image| quanzi_api::ProductCard {
            id: product.id,
            title: product.title.clone(),
            image,
            solo_price: product.solo_price.clone(),
            group: group.clone(),
            share_earn: product.share_earn.clone(),
        });
    let offer = product.group_offer.clone();
    let rules = offer.as_ref().map(|o| (o.size, o.window_hours));
    let facts = TrustFacts {
        sold: product.sold,
        groups_formed: product.groups_formed,
        shows: product.shows,
    };
    let (story, posts) = (product.story, product.posts);
    let share_earn = product.share_earn.clone();
    let flash = product.flash_sale.clone();
    let solo_price = product.solo_price.clone();
    let kind = offer.as_ref().map(|o| (o.kind, o.lottery_winners, o.size));
    let open = move || match groups.state.get() {
        State::Ready(page) => page.items,
        _ => Vec::new(),
    };
    view! {
        <article class="product-page">
            <div class="product-media">
                <Gallery images=product.gallery eager=true />
            </div>
            <div class="product-buy">
                <Recommender />
                <h1>{product.title.clone()}</h1>
                <p class="product-subtitle">{product.subtitle}</p>
                <Prices solo=product.solo_price group=group large=true />
                {kind.and_then(|(kind, winners, size)| offer_kind_line(kind, winners, size))}
                {flash.filter(|_| published).map(|sale| view! { <FlashPanel sale solo=solo_price.clone() product_id=id /> })}
                // What follows waits for the open groups, whose number is not known before:
                // drawn first, it would be pushed down when they arrive.
                {move || {
                    settled
                        .get()
                        .then(|| {
                            view! {
                                {published.then(|| view! { <GroupTeaser groups=open() on_end=move || groups.retry() /> })}
                                <p class="product-facts">
                                    {window
                                        .clone()
                                        .map(|hours| {
                                            view! {
                                                <span>{move || fill(i18n.t().group_window, "h", &hours)}</span>
                                            }
                                        })}
                                    <span class:sold-out=stock == 0>
                                        {move || {
                                            if stock == 0 {
                                                i18n.t().sold_out.to_owned()
                                            } else {
                                                fill(i18n.t().stock_left, "n", &stock.to_string())
                                            }
                                        }}
                                    </span>
                                </p>
                                <TrustLines product=facts />
                                {if published {
                                    card.clone().map(|card| view! { <BuyBox card offer=offer.clone() stock /> }).into_any()
                                } else {
                                    view! { <p class="sold-out" role="status">{move || off_shelf_words(i18n.lang.get()).0}</p> }.into_any()
                                }}
                                {rules.map(|(size, hours)| view! { <GroupRules size window_hours=Some(hours) /> })}
                                <p class="product-community">
                                    {move || i18n.t().from_community}
                                    " "
                                    <a href=href(Route::Community(community.slug.clone()))>
                                        {community.name.clone()}
                                    </a>
                                </p>
                            }
                        })
                }}
            </div>
            <div class="product-details">
                {move || {
                    settled
                        .get()
                        .then(|| {
                            view! {
                                {(!published || stock == 0).then(|| view! { <MoreFromCommunity id slug=slug.clone() /> })}
                                {published.then(|| view! { <OpenGroups product_id=id first=groups /> })}
                                <div class="share-row">
                                    <ShareButton path=href(Route::Product(id)) title=title.clone() earn=share_earn.clone() />
                                    {move || (published && session.me.with(Option::is_some)).then(|| view! { <ShopToggle id /> })}
                                </div>
                                <Story blocks=story.clone() />
                                <FeaturedIn posts=posts.clone() />
                            }
                        })
                }}
            </div>
        </article>
    }
}

/// What this pack says about flash sales (秒杀) and the kinds of group offer.
struct FlashWords {
    flash: &'static str,
    starts_in: &'static str,
    ends_in: &'static str,
    /// `{n}` units left, `{m}` per member.
    left: &'static str,
    buy: &'static str,
    sold_out: &'static str,
    ended: &'static str,
    remind: &'static str,
    reminded: &'static str,
    lottery: &'static str,
    /// `{n}` winners of `{size}`.
    lottery_rule: &'static str,
    new_member: &'static str,
}

/// While a flash sale runs, how often its units left are asked again.
const FLASH_POLL_MS: u32 = 5_000;

const FLASH_ZH: FlashWords = FlashWords {
    flash: "限时秒杀",
    starts_in: "距开抢",
    ends_in: "距结束",
    left: "仅剩 {n} 件 · 每人限购 {m} 件",
    buy: "立即抢购",
    sold_out: "已抢光，未付款的名额超时后会释放",
    ended: "本场秒杀已结束",
    remind: "提醒我",
    reminded: "已设提醒 · 开抢时通知你",
    lottery: "抽奖团",
    lottery_rule: "成团后 {size} 人中抽 {n} 人发货，未中全额退款",
    new_member: "新人团 · 仅限从未下过单的新会员参团",
};

const FLASH_EN: FlashWords = FlashWords {
    flash: "Flash sale",
    starts_in: "Starts in",
    ends_in: "Ends in",
    left: "{n} left · {m} per member",
    buy: "Buy now",
    sold_out: "Sold out: unpaid units come back when their hold runs out",
    ended: "This flash sale has ended",
    remind: "Remind me",
    reminded: "Reminder set: we will tell you when it starts",
    lottery: "Lottery group",
    lottery_rule: "{n} of {size} members are drawn to receive it; the others are refunded in full",
    new_member: "New-member group: only members who have never ordered may join",
};

fn flash_words(lang: Lang) -> &'static FlashWords {
    match lang {
        Lang::ZhCn => &FLASH_ZH,
        Lang::En => &FLASH_EN,
    }
}

/// A lottery's or a new-member group's rule under the prices; nothing for a standard offer.
fn offer_kind_line(kind: GroupKind, winners: Option<u32>, size: u32) -> Option<impl IntoView> {
    let i18n = use_i18n();
    let w = move || flash_words(i18n.lang.get());
    match kind {
        GroupKind::Standard => None,
        GroupKind::Lottery => {
            let (n, size) = (winners.unwrap_or(1).to_string(), size.to_string());
            Some(
                view! {
                    <p class="group-kind">
                        <strong class="tag">{move || w().lottery}</strong> " "
                        {move || fill(&fill(w().lottery_rule, "n", &n), "size", &size)}
                    </p>
                }
                .into_any(),
            )
        }
        GroupKind::NewMember => Some(
            view! {
                <p class="group-kind"><strong class="tag">{move || w().new_member}</strong></p>
            }
            .into_any(),
        ),
    }
}

/// A flash sale (秒杀): before it, a countdown to its start (the server's clock) and "提醒我";
/// during it, the units left and "立即抢购", which becomes possible the moment the countdown
/// reaches zero, without a reload; after it, that it has ended.
#[component]
fn FlashPanel(sale: FlashSale, solo: quanzi_api::Money, product_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let clock = use_clock();
    let w = move || flash_words(i18n.lang.get());
    let starts = parse_time(&sale.starts_at).unwrap_or(0);
    let ends = parse_time(&sale.ends_at).unwrap_or(0);
    let per_member = sale.per_member;
    let sale_id = sale.id;
    let left = RwSignal::new(sale.left);
    // Called off while the page was open: it reads as ended.
    let gone = RwSignal::new(false);
    let phase = Memo::new(move |_| (clock.left(starts) == 0, clock.left(ends) == 0 || gone.get()));
    // While it runs, the units left are asked again: they go in seconds, and a page still
    // offering the last ones would send buyers to a refusal. Not while the tab is hidden.
    let polls = Trigger::new();
    Effect::new(move |_| {
        polls.track();
        if phase.get() != (true, false) || left.get_untracked() == 0 {
            return;
        }
        let lang = i18n.lang.get_untracked();
        spawn_scoped(async move {
            sleep(FLASH_POLL_MS).await;
            if !page_hidden() {
                if let Ok(product) = get_json::<Product>(&path::product(product_id), lang).await {
                    match product.flash_sale.filter(|s| s.id == sale_id) {
                        Some(now) => left.set(now.left),
                        None => gone.set(true),
                    }
                }
            }
            polls.notify();
        });
    });
    // The member's reminder, read once the session is known.
    let reminded = RwSignal::new(None::<bool>);
    Effect::new(move |_| {
        if session.me.with(Option::is_some) {
            let lang = i18n.lang.get_untracked();
            spawn(async move {
                let path = format!("/flash-sales/{sale_id}/reminder");
                if let Ok(r) = get_json::<FlashReminder>(&path, lang).await {
                    reminded.set(Some(r.reminded));
                }
            });
        }
    });
    let toggle = move |_| {
        let lang = i18n.lang.get_untracked();
        let method = match reminded.get_untracked() {
            Some(true) => Method::DELETE,
            _ => Method::PUT,
        };
        spawn(async move {
            let path = format!("/flash-sales/{sale_id}/reminder");
            if let Ok(r) = write_json::<FlashReminder>(method, &path, lang, None).await {
                reminded.set(Some(r.reminded));
            }
        });
    };
    let buy_href = move || {
        let checkout = href_with(Route::Checkout, &[("flash", &product_id.to_string())]);
        if session.me.with(Option::is_some) {
            checkout
        } else {
            sign_in_href(&checkout)
        }
    };
    let here = href(Route::Product(product_id));
    view! {
        <section class="card flash-sale" aria-labelledby="flash-title">
            <h2 id="flash-title">
                <span class="tag">{move || w().flash}</span> " "
                <strong class="flash-price">{format_money(&sale.price)}</strong> " "
                <s class="muted">{format_money(&solo)}</s>
            </h2>
            {move || match phase.get() {
                (_, true) => view! { <p class="muted" role="status">{move || w().ended}</p> }.into_any(),
                (true, false) => view! {
                    <p class="flash-clock">{move || w().ends_in} " " <Countdown deadline=ends on_end=|| () /></p>
                    {move || if left.get() > 0 {
                        view! {
                            <p>{move || fill(&fill(w().left, "n", &left.get().to_string()), "m", &per_member.to_string())}</p>
                            <a class="button button-wide flash-buy" href=buy_href>{move || w().buy}</a>
                        }
                            .into_any()
                    } else {
                        view! { <p class="sold-out" role="status">{move || w().sold_out}</p> }.into_any()
                    }}
                }
                .into_any(),
                (false, _) => {
                    let here = here.clone();
                    view! {
                        <p class="flash-clock">{move || w().starts_in} " " <Countdown deadline=starts on_end=|| () /></p>
                        {move || match (session.me.with(Option::is_some), reminded.get()) {
                            (false, _) => view! {
                                <a class="button button-quiet" href=sign_in_href(&here)>{move || w().remind}</a>
                            }
                                .into_any(),
                            (true, Some(true)) => view! {
                                <button type="button" class="button button-quiet" aria-pressed="true" on:click=toggle>
                                    {move || w().reminded}
                                </button>
                            }
                                .into_any(),
                            (true, _) => view! {
                                <button type="button" class="button button-quiet" aria-pressed="false" on:click=toggle>
                                    {move || w().remind}
                                </button>
                            }
                                .into_any(),
                        }}
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// "Off the shelf" and the heading of the community's other products, in the page's
/// language: only this page says them, so they live here, not in the app's first load.
/// "Add to my shop": features the product in the member's shop (`/s/{code}`), or takes it
/// out. Its words are this pack's own.
#[component]
fn ShopToggle(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let mine = fetch::<MyShop>(|| "/account/shop".to_owned());
    let busy = RwSignal::new(false);
    let said = RwSignal::new(None::<&'static str>);
    let words = move || match i18n.lang.get() {
        crate::i18n::Lang::ZhCn => (
            "加入我的小店",
            "已在我的小店 · 移出",
            "我的小店最多 30 件好物",
        ),
        crate::i18n::Lang::En => (
            "Add to my shop",
            "In my shop · Remove",
            "A shop holds at most 30 picks",
        ),
    };
    let toggle = move |featured: bool| {
        busy.set(true);
        said.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let method = if featured {
                Method::DELETE
            } else {
                Method::PUT
            };
            let path = format!("/account/shop/products/{id}");
            match write_json::<MyShop>(method, &path, lang, None).await {
                Ok(shop) => mine.state.set(State::Ready(shop)),
                Err(e) if e.code() == Some(ErrorCode::TooManyProducts) => said.set(Some(words().2)),
                Err(e) => said.set(Some(form_error(lang.strings(), &e))),
            }
            busy.set(false);
        });
    };
    move || match mine.state.get() {
        State::Ready(shop) => {
            let featured = shop.product_ids.contains(&id);
            view! {
                <button type="button" class="button button-quiet shop-toggle" aria-pressed=featured.to_string()
                    disabled=move || busy.get() on:click=move |_| toggle(featured)>
                    {move || if featured { words().1 } else { words().0 }}
                </button>
                {move || said.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            }
            .into_any()
        }
        // Loading or failed: nothing to offer yet, and nothing to move.
        _ => ().into_any(),
    }
}

fn off_shelf_words(lang: crate::i18n::Lang) -> (&'static str, &'static str, &'static str) {
    match lang {
        crate::i18n::Lang::ZhCn => (
            "已下架：这件商品暂不出售",
            "同圈子的其他好物",
            "这个圈子暂时没有其他商品",
        ),
        crate::i18n::Lang::En => (
            "Off the shelf: this product is not for sale now",
            "More from this community",
            "Nothing else on this community's shelf yet",
        ),
    }
}

/// Under a product nobody can buy (off the shelf or sold out), what its community still
/// sells: the link in the chat leads somewhere.
#[component]
fn MoreFromCommunity(id: i64, slug: String) -> impl IntoView {
    let i18n = use_i18n();
    let others = fetch::<Page<quanzi_api::ProductCard>>(move || path::community_products(&slug));
    view! {
        <section class="more-products" aria-labelledby="more-products-title">
            <h2 id="more-products-title">{move || off_shelf_words(i18n.lang.get()).1}</h2>
            {loaded(others, move |page| {
                let cards: Vec<_> = page.items.into_iter().filter(|c| c.id != id).take(6).collect();
                if cards.is_empty() {
                    view! { <p class="muted">{move || off_shelf_words(i18n.lang.get()).2}</p> }.into_any()
                } else {
                    cards.into_iter().map(|card| view! { <ProductCard card /> }).collect_view().into_any()
                }
            })}
        </section>
    }
}

/// Buy alone (checkout with this one product) or start a group, in a bar fixed at the
/// bottom on phones (above the tab bar; in the flow inside a host app, whose bars are its
/// own); and put it in the cart at the solo price.
#[component]
fn BuyBox(card: quanzi_api::ProductCard, offer: Option<GroupOffer>, stock: u32) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let count = use_cart();
    let added = RwSignal::new(None::<Result<(), &'static str>>);
    let pending = RwSignal::new(false);
    let id = card.id;
    let solo = format_money(&card.solo_price);
    let add = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        let lang = i18n.lang.get_untracked();
        let card = card.clone();
        spawn(async move {
            added.set(Some(add_to_cart(session, count, card, 1, lang).await));
            pending.set(false);
        });
    };
    // Checkout, or sign-in first and checkout after.
    let checkout = move |intent: &'static str| {
        let checkout = href_with(Route::Checkout, &[(intent, &id.to_string())]);
        if session.me.with(Option::is_some) {
            checkout
        } else {
            sign_in_href(&checkout)
        }
    };
    if stock == 0 {
        return view! { <p class="sold-out">{move || i18n.t().sold_out}</p> }.into_any();
    }
    let solo_price = solo.clone();
    let single = offer.is_none();
    view! {
        <div class="buy-box" class:buy-box-single=single>
            <a class="button button-quiet buy-alone" href=move || checkout("buy")>
                <span>{move || i18n.t().buy_alone}</span>
                <strong>{solo_price.clone()}</strong>
            </a>
            {offer
                .map(|offer| {
                    let price = format_money(&offer.price);
                    let size = offer.size.to_string();
                    view! {
                        <a class="button buy-group" href=move || checkout("start")>
                            <span>{move || fill(i18n.t().start_group, "n", &size)}</span>
                            <strong>{price}</strong>
                        </a>
                    }
                })}
        </div>
        <button class="button button-quiet buy-solo" disabled=move || pending.get() on:click=add>
            <span>{move || i18n.t().add_to_cart}</span>
            <strong>{solo}</strong>
        </button>
        {move || match added.get() {
            Some(Ok(())) => view! {
                <p class="added" role="status">
                    {move || i18n.t().added_to_cart} " " <a href=href(Route::Cart)>{move || i18n.t().go_to_cart}</a>
                </p>
            }
                .into_any(),
            Some(Err(message)) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
            None => ().into_any(),
        }}
    }
    .into_any()
}

/// `/p/{id}`, in a wasm chunk of its own.
#[wasm_split(product, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn product_page(id: i64) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <ProductPage id /> }.into_any())
}

/// `/p/{id}`.
#[component]
fn ProductPage(id: i64) -> impl IntoView {
    // One ticker for every countdown on the page.
    let clock = provide_clock();
    let product = fetch::<Product>(move || path::product(id));
    // A flash sale counts down on the server's clock.
    Effect::new(move |_| {
        product.state.with(|s| {
            if let State::Ready(Product {
                flash_sale: Some(sale),
                ..
            }) = s
            {
                clock.sync_at(&sale.server_time, product.received_at());
            }
        })
    });
    // Asked beside the product, not after it: the rest of the page waits for them.
    let groups = fetch::<Page<GroupBuy>>(move || path::product_groups(id));
    loaded(
        product,
        move |product| view! { <ProductView product groups /> },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use quanzi_api::{CommunityRef, GroupOffer, Money};

    fn product(group: Option<GroupOffer>) -> Product {
        Product {
            id: 1,
            title: "手冲壶".into(),
            subtitle: "细口".into(),
            gallery: vec![],
            story: vec![],
            solo_price: Money::cny(2990),
            group_offer: group,
            flash_sale: None,
            share_earn: Money::cny(0),
            stock: 3,
            published: true,
            sold: 0,
            groups_formed: 0,
            shows: 0,
            posts: vec![],
            community: CommunityRef {
                slug: "coffee".into(),
                name: "咖啡".into(),
            },
        }
    }

    #[test]
    fn price_line_names_group_and_solo() {
        let offer = GroupOffer {
            price: Money::cny(1990),
            size: 2,
            window_hours: 24,
            kind: quanzi_api::GroupKind::Standard,
            lottery_winners: None,
        };
        let zh = crate::i18n::Lang::ZhCn.strings();
        assert_eq!(
            price_line(&product(Some(offer)), zh),
            "2人团 ¥19.90 · 单买 ¥29.90"
        );
        assert_eq!(price_line(&product(None), zh), "¥29.90");
    }
}
