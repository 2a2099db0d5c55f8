//! Interface text in Chinese (first) and English (complete). Content text comes from the
//! API in the language we ask for with `Accept-Language`.

mod en;
mod zh_cn;

use leptos::prelude::*;

/// One language's interface strings. `{n}`-style placeholders are filled by `fill`.
pub struct Strings {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub nav_feed: &'static str,
    pub nav_communities: &'static str,
    pub nav_me: &'static str,
    /// The Me tab's badge, for screen readers: `{n}` unread notifications.
    pub unread_count: &'static str,
    pub switch_language: &'static str,
    pub switch_to: &'static str,
    pub filter_by_community: &'static str,
    pub all: &'static str,
    pub loading: &'static str,
    pub load_more: &'static str,
    pub end_of_feed: &'static str,
    pub empty_feed: &'static str,
    pub error_title: &'static str,
    pub error_network: &'static str,
    pub error_timeout: &'static str,
    pub error_server: &'static str,
    pub error_data: &'static str,
    pub retry: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_home: &'static str,
    /// `{n}` people needed.
    pub group_of: &'static str,
    pub solo: &'static str,
    /// `{amount}` saved with the group price.
    pub save: &'static str,
    pub sold_out: &'static str,
    /// `{n}` left in stock.
    pub stock_left: &'static str,
    /// `{h}` hours a group stays open.
    pub group_window: &'static str,
    pub story: &'static str,
    pub featured_in: &'static str,
    pub no_posts_yet: &'static str,
    pub from_community: &'static str,
    pub products_in_post: &'static str,
    pub likes: &'static str,
    pub comments: &'static str,
    /// `{n}` members.
    pub members: &'static str,
    pub communities_title: &'static str,
    pub communities_empty: &'static str,
    pub recommended_title: &'static str,
    /// `{n}`: how many members' posts tag the product.
    pub recommended_by: &'static str,
    pub community_feed: &'static str,
    pub just_now: &'static str,
    pub minutes_ago: &'static str,
    pub hours_ago: &'static str,
    pub days_ago: &'static str,
    pub image_of: &'static str,
    pub group_buy_title: &'static str,
    pub me_title: &'static str,
    pub sign_in: &'static str,
    pub sign_up: &'static str,
    pub sign_out: &'static str,
    pub display_name: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub have_account: &'static str,
    pub no_account: &'static str,
    pub sign_in_to_see: &'static str,
    pub choose_picture: &'static str,
    pub remove_picture: &'static str,
    pub saving: &'static str,
    pub share: &'static str,
    /// `{amount}`: what a member earns on one unit their link sells.
    pub share_earn: &'static str,
    pub share_title: &'static str,
    pub share_link: &'static str,
    pub copy_link: &'static str,
    pub link_copied: &'static str,
    pub copy_failed: &'static str,
    pub qr_alt: &'static str,
    pub qr_hint: &'static str,
    pub close: &'static str,
    pub referrals_title: &'static str,
    pub my_code: &'static str,
    pub visits: &'static str,
    pub sign_ups: &'static str,
    pub orders: &'static str,
    pub order_value: &'static str,
    pub referral_chart: &'static str,
    pub last_30_days: &'static str,
    pub cart_title: &'static str,
    pub cart_empty: &'static str,
    pub total: &'static str,
    pub checkout: &'static str,
    pub quantity: &'static str,
    pub less: &'static str,
    pub more: &'static str,
    pub remove: &'static str,
    pub add_to_cart: &'static str,
    pub added_to_cart: &'static str,
    pub go_to_cart: &'static str,
    pub start_group: &'static str,
    pub more_groups: &'static str,
    pub open_groups: &'static str,
    pub join_group: &'static str,
    pub seats_left: &'static str,
    pub time_left: &'static str,
    pub led_by: &'static str,
    pub members_title: &'static str,
    pub my_order: &'static str,
    pub group_succeeded: &'static str,
    pub group_failed: &'static str,
    pub countdown_ended: &'static str,
    pub countdown_1_min: &'static str,
    pub countdown_10_min: &'static str,
    pub countdown_1_hour: &'static str,
    pub sign_in_to_order: &'static str,
    pub order_summary: &'static str,
    pub fulfilment: &'static str,
    pub delivery: &'static str,
    pub pickup: &'static str,
    pub recipient: &'static str,
    pub phone: &'static str,
    pub address: &'static str,
    pub place_order: &'static str,
    pub start_group_note: &'static str,
    pub join_group_note: &'static str,
    pub error_out_of_stock: &'static str,
    pub error_group_full: &'static str,
    pub error_group_closed: &'static str,
    pub error_already_in_group: &'static str,
    /// A new-member group, and the member has paid for an order before.
    pub error_new_members_only: &'static str,
    pub error_off_shelf: &'static str,
    pub error_flash_not_started: &'static str,
    /// Over, or called off.
    pub error_flash_ended: &'static str,
    pub error_flash_sold_out: &'static str,
    pub error_flash_limit: &'static str,
    pub error_fulfilment: &'static str,
    pub error_no_group_offer: &'static str,
    pub error_pick_point: &'static str,
    pub my_orders: &'static str,
    pub no_orders: &'static str,
    pub order_title: &'static str,
    pub order_number: &'static str,
    pub start_new_group: &'static str,
    pub see_group: &'static str,
    pub payment_processing: &'static str,
    pub status_pending_payment: &'static str,
    pub status_awaiting_group: &'static str,
    pub status_ready_for_pickup: &'static str,
    pub status_shipping: &'static str,
    pub status_completed: &'static str,
    pub status_cancelled: &'static str,
    pub status_refunded: &'static str,
    /// A paid delivery order, not shipped yet.
    pub status_to_ship: &'static str,
    /// A paid pickup order, not at its point yet.
    pub status_preparing: &'static str,
    pub pickup_code: &'static str,
    pub pickup_code_hint: &'static str,
    /// `{carrier}` and `{n}`, the tracking number.
    pub shipped_with: &'static str,
    /// `{date}`: when a shipped order completes by itself.
    pub auto_receipt: &'static str,
    pub confirm_receipt: &'static str,
    /// `{reason}` in the store's words.
    pub refund_reason: &'static str,
    /// `{date}`.
    pub completed_on: &'static str,
    /// The way from `/me` to the staff's console.
    pub store_console: &'static str,
    pub error_payment_declined: &'static str,
    pub error_hold_expired: &'static str,
    pub error_not_payable: &'static str,
    pub test_payment_title: &'static str,
    pub test_payment_body: &'static str,
    pub seat_held_for: &'static str,
    pub pay_approve: &'static str,
    pub pay_decline: &'static str,
    pub pay_slow: &'static str,
    pub my_communities: &'static str,
    pub my_posts: &'static str,
    pub role_owner: &'static str,
    pub role_moderator: &'static str,
    pub join: &'static str,
    pub leave: &'static str,
    pub error_credentials: &'static str,
    pub error_email_taken: &'static str,
    pub error_name: &'static str,
    pub error_email: &'static str,
    pub error_password: &'static str,
    pub error_rate_limited: &'static str,
    pub error_empty: &'static str,
    pub error_too_long: &'static str,
    pub error_signed_out: &'static str,
    pub error_forbidden: &'static str,
    pub confirm_delete: &'static str,
    pub delete_post: &'static str,
    pub delete: &'static str,
    pub comments_title: &'static str,
    pub no_comments: &'static str,
    pub more_comments: &'static str,
    pub write_comment: &'static str,
    pub send: &'static str,
    pub new_post: &'static str,
    pub post_title: &'static str,
    pub post_body: &'static str,
    pub add_photos: &'static str,
    pub tag_products: &'static str,
    pub publish: &'static str,
    pub cancel: &'static str,
    pub remove_photo: &'static str,
    pub error_photos_pending: &'static str,
    pub error_not_an_image: &'static str,
    pub error_image_too_large: &'static str,
    pub error_too_many_images: &'static str,
    pub error_photo_failed: &'static str,
    pub order_held_for: &'static str,
    /// Follows the countdown, its punctuation included.
    pub hold_then_cancel: &'static str,
    pub buy_again: &'static str,
    pub back_in_cart: &'static str,
    /// `{names}`: the products that could not go back.
    pub sold_out_not_back: &'static str,
    pub subtotal: &'static str,
    pub delivery_fee: &'static str,
    pub free: &'static str,
    /// `{amount}`: the free-delivery threshold.
    pub delivery_rule: &'static str,
    /// `{n}` days.
    pub ships_solo: &'static str,
    /// `{n}` days.
    pub ships_group: &'static str,
    pub contact_name: &'static str,
    pub pickup_contact_note: &'static str,
    pub error_recipient: &'static str,
    pub error_phone: &'static str,
    pub error_address: &'static str,
    pub buy_alone: &'static str,
    /// `{n}` people leading open groups.
    pub groups_forming: &'static str,
    pub rules_title: &'static str,
    /// `{n}` people, `{h}` hours.
    pub rule_size: &'static str,
    /// `{n}` days.
    pub rule_ship: &'static str,
    pub rule_refund: &'static str,
    /// `{n}` units sold.
    pub sold_count: &'static str,
    /// `{n}` groups.
    pub groups_formed: &'static str,
    /// `{n}` posts.
    pub shows_count: &'static str,
    /// `{n}` days.
    pub returns_rule: &'static str,
    /// `{name}` who shared the link.
    pub recommended_to_you: &'static str,
    pub joined: &'static str,
    pub more_actions: &'static str,
    pub write_note: &'static str,
    pub choose_community: &'static str,
    pub join_to_post: &'static str,
    pub to_ship: &'static str,
    pub open_in_quanzi: &'static str,
    /// `{n}` people.
    pub rule_size_only: &'static str,
}

/// Fills `{name}` placeholders. Tiny on purpose: no formatting crate in the wasm.
pub fn fill(template: &str, name: &str, value: &str) -> String {
    template.replace(&format!("{{{name}}}"), value)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    ZhCn,
    En,
}

const STORAGE_KEY: &str = "quanzi.lang";

impl Lang {
    /// BCP 47 tag: for `<html lang>` and `Accept-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::ZhCn => &zh_cn::STRINGS,
            Lang::En => &en::STRINGS,
        }
    }

    /// Counts as people read them: "1.8万" in Chinese, "18,409" in English.
    pub fn count(self, n: u32) -> String {
        match self {
            Lang::ZhCn if n >= 10_000 => {
                let tenths = (n as u64 * 10 + 5_000) / 10_000; // rounded to 0.1万
                if tenths.is_multiple_of(10) {
                    format!("{}万", tenths / 10)
                } else {
                    format!("{}.{}万", tenths / 10, tenths % 10)
                }
            }
            Lang::ZhCn => n.to_string(),
            Lang::En => {
                let digits = n.to_string();
                let mut out = String::with_capacity(digits.len() + digits.len() / 3);
                for (i, c) in digits.chars().enumerate() {
                    if i > 0 && (digits.len() - i).is_multiple_of(3) {
                        out.push(',');
                    }
                    out.push(c);
                }
                out
            }
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if tag.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The reader's choice if remembered, else the first browser language we speak, else
    /// Chinese.
    pub fn negotiate(stored: Option<&str>, browser: &[String]) -> Lang {
        stored
            .and_then(Lang::from_tag)
            .or_else(|| browser.iter().find_map(|tag| Lang::from_tag(tag)))
            .unwrap_or(Lang::ZhCn)
    }
}

/// The language context: a signal every view reads, so switching re-renders in place.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    pub fn t(&self) -> &'static Strings {
        self.lang.get().strings()
    }

    /// Without tracking: for views that are rebuilt anyway when the language changes
    /// (their data is refetched in the new language), so tracking would render them twice.
    pub fn t_untracked(&self) -> &'static Strings {
        self.lang.get_untracked().strings()
    }

    pub fn set(&self, lang: Lang) {
        self.lang.set(lang);
        if let Some(storage) = crate::browser::local_storage() {
            // Private mode may refuse storage; the choice then lasts for this visit.
            let _ = storage.set_item(STORAGE_KEY, lang.tag());
        }
    }
}

fn browser_languages() -> Vec<String> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    window
        .navigator()
        .languages()
        .iter()
        .filter_map(|value| value.as_string())
        .collect()
}

/// Creates the language context and keeps `<html lang>` in step with it.
pub fn provide_i18n() -> I18n {
    let stored =
        crate::browser::local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let lang = Lang::negotiate(stored.as_deref(), &browser_languages());
    let i18n = I18n {
        lang: RwSignal::new(lang),
    };
    Effect::new(move |_| {
        let tag = i18n.lang.get().tag();
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", tag);
        }
    });
    provide_context(i18n);
    i18n
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_choice_wins_over_browser() {
        let browser = vec!["zh-CN".to_owned()];
        assert_eq!(Lang::negotiate(Some("en"), &browser), Lang::En);
    }

    #[test]
    fn first_spoken_browser_language_is_used() {
        let browser = vec!["fr-FR".to_owned(), "en-GB".to_owned(), "zh-TW".to_owned()];
        assert_eq!(Lang::negotiate(None, &browser), Lang::En);
    }

    #[test]
    fn chinese_is_the_default() {
        assert_eq!(Lang::negotiate(None, &[]), Lang::ZhCn);
        assert_eq!(Lang::negotiate(Some("garbage"), &["de".into()]), Lang::ZhCn);
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(Lang::ZhCn.count(9_999), "9999");
        assert_eq!(Lang::ZhCn.count(18_409), "1.8万");
        assert_eq!(Lang::ZhCn.count(20_000), "2万");
        assert_eq!(Lang::ZhCn.count(99_960), "10万");
        assert_eq!(Lang::En.count(18_409), "18,409");
        assert_eq!(Lang::En.count(999), "999");
        assert_eq!(Lang::En.count(1_000_000), "1,000,000");
        assert_eq!(Lang::En.count(0), "0");
    }

    #[test]
    fn fill_replaces_named_placeholders() {
        assert_eq!(fill(zh_cn::STRINGS.group_of, "n", "2"), "2人团");
        assert_eq!(fill(en::STRINGS.group_of, "n", "3"), "Group of 3");
    }
}
