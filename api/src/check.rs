//! The checks of what people type, one definition for the server (which enforces them and
//! answers with their stable codes) and the app (whose forms use the same limits). Each
//! returns the value as it is stored (trimmed, an email lowercased) or why it is refused.
//! The OpenAPI document's patterns (`params::patterns`) say the same; tests hold them
//! together.

use crate::account::{EMAIL_MAX_CHARS, NAME_MAX_CHARS, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};
use crate::comment::COMMENT_MAX_CHARS;
use crate::order::{ADDRESS_CHARS, DELIVERY_NAME_MAX_CHARS, PHONE_DIGITS};
use crate::post::{BODY_MAX_CHARS, TITLE_MAX_CHARS};
use crate::product::{GROUP_SIZES, PRICE_MAX, STOCK_MAX, WINDOW_HOURS};
use crate::staff::{PICKUP_CODE_DIGITS, REFUND_REASON_MAX_CHARS, TRACKING_CHARS};
use crate::ErrorCode;

/// Why a value is refused: the stable code and a sentence for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub code: ErrorCode,
    pub message: &'static str,
}

const fn invalid(code: ErrorCode, message: &'static str) -> Invalid {
    Invalid { code, message }
}

/// Control characters, and the bidi overrides that would let a name rewrite the text
/// around it.
fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
}

/// Trimmed, 1 to `max` characters, no control characters.
fn line(raw: &str, max: usize) -> Option<&str> {
    let text = raw.trim();
    let len = text.chars().count();
    (len > 0 && len <= max && !has_control(text)).then_some(text)
}

/// A display name: trimmed, 1 to 30 characters, no control characters or bidi overrides.
pub fn name(raw: &str) -> Result<String, Invalid> {
    line(raw, NAME_MAX_CHARS).map(str::to_owned).ok_or(invalid(
        ErrorCode::BadName,
        "a name is 1 to 30 characters, without control characters",
    ))
}

/// An email as stored and compared: trimmed and lowercased.
pub fn normalize_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// A plausible email: one `@`, a non-empty local part, a dotted domain without empty
/// labels, no spaces or control characters, at most 254 characters. Whether it receives
/// mail is not our business here; this catches typos and junk.
pub fn email(raw: &str) -> Result<String, Invalid> {
    let bad = invalid(ErrorCode::BadEmail, "an email looks like name@example.com");
    let email = normalize_email(raw);
    if email.chars().count() > EMAIL_MAX_CHARS
        || email.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad);
    }
    let mut parts = email.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad);
    };
    let labels: Vec<&str> = domain.split('.').collect();
    if local.is_empty() || labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return Err(bad);
    }
    Ok(email)
}

/// 8 to 128 characters, kept exactly as typed.
pub fn password(raw: &str) -> Result<(), Invalid> {
    let len = raw.chars().count();
    if (PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&len) {
        Ok(())
    } else {
        Err(invalid(
            ErrorCode::WeakPassword,
            "a password is 8 to 128 characters",
        ))
    }
}

/// Trimmed text of 1 to `max` characters (any characters: it is shown as text).
fn text(raw: &str, max: usize, empty: &'static str, long: &'static str) -> Result<String, Invalid> {
    let text = raw.trim();
    match text.chars().count() {
        0 => Err(invalid(ErrorCode::EmptyText, empty)),
        n if n > max => Err(invalid(ErrorCode::TextTooLong, long)),
        _ => Ok(text.to_owned()),
    }
}

/// A comment: 1 to 500 characters once trimmed.
pub fn comment(raw: &str) -> Result<String, Invalid> {
    text(
        raw,
        COMMENT_MAX_CHARS,
        "a comment needs some text",
        "a comment is at most 500 characters",
    )
}

/// A post's title: 1 to 60 characters once trimmed.
pub fn title(raw: &str) -> Result<String, Invalid> {
    text(
        raw,
        TITLE_MAX_CHARS,
        "a post needs a title",
        "a title is at most 60 characters",
    )
}

/// A post's paragraphs, trimmed, blank ones dropped: at least one, 2000 characters in all.
pub fn paragraphs(raw: &[String]) -> Result<Vec<String>, Invalid> {
    let body: Vec<String> = raw
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    if body.is_empty() {
        return Err(invalid(ErrorCode::EmptyText, "a post needs some text"));
    }
    if body.iter().map(|p| p.chars().count()).sum::<usize>() > BODY_MAX_CHARS {
        return Err(invalid(
            ErrorCode::TextTooLong,
            "a post's text is at most 2000 characters",
        ));
    }
    Ok(body)
}

/// A delivery address as stored: name, phone and address, each trimmed (the phone as its
/// 11 digits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub name: String,
    pub phone: String,
    pub address: String,
}

fn bad_fulfilment(message: &'static str) -> Invalid {
    invalid(ErrorCode::BadFulfilment, message)
}

/// A recipient's (or pickup contact's) name: trimmed, 1 to 30 characters, no control
/// characters.
pub fn recipient(raw: &str) -> Result<String, Invalid> {
    line(raw, DELIVERY_NAME_MAX_CHARS)
        .map(str::to_owned)
        .ok_or(bad_fulfilment("a recipient's name is 1 to 30 characters"))
}

/// A mainland mobile number, returned as its 11 digits: `1`, then `3` to `9`, then nine
/// digits, each of those nine after at most one space or hyphen; `+86` (and one space or
/// hyphen) may come first; white space around is trimmed.
pub fn phone(raw: &str) -> Result<String, Invalid> {
    let bad = bad_fulfilment("a phone number is a mainland mobile number of 11 digits, 1[3-9]…");
    let trimmed = raw.trim();
    let rest = match trimmed.strip_prefix("+86") {
        Some(rest) => rest.strip_prefix([' ', '-']).unwrap_or(rest),
        None => trimmed,
    };
    let mut chars = rest.chars();
    let mut digits = String::with_capacity(PHONE_DIGITS);
    match (chars.next(), chars.next()) {
        (Some('1'), Some(second @ '3'..='9')) => {
            digits.push('1');
            digits.push(second);
        }
        _ => return Err(bad),
    }
    let mut after_separator = false;
    for c in chars {
        match c {
            '0'..='9' => {
                digits.push(c);
                after_separator = false;
            }
            ' ' | '-' if !after_separator => after_separator = true,
            _ => return Err(bad),
        }
    }
    if after_separator || digits.len() != PHONE_DIGITS {
        return Err(bad);
    }
    Ok(digits)
}

/// A delivery address: trimmed, 5 to 200 characters, no control characters.
pub fn address(raw: &str) -> Result<String, Invalid> {
    let address = raw.trim();
    if !ADDRESS_CHARS.contains(&address.chars().count()) || has_control(address) {
        return Err(bad_fulfilment("an address is 5 to 200 characters"));
    }
    Ok(address.to_owned())
}

/// A product's title in one language: 1 to 60 characters once trimmed.
pub fn product_title(raw: &str) -> Result<String, Invalid> {
    text(
        raw,
        TITLE_MAX_CHARS,
        "a product needs a title in both languages",
        "a product's title is at most 60 characters",
    )
}

/// A product's one line under the title, or a picture's text alternative: trimmed, at most
/// `max` characters, possibly empty.
pub fn optional_line(raw: &str, max: usize) -> Result<String, Invalid> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(invalid(ErrorCode::TextTooLong, "a line is too long"));
    }
    Ok(text.to_owned())
}

/// A paragraph of a product's story in one language: 1 to 2000 characters once trimmed.
pub fn story_text(raw: &str) -> Result<String, Invalid> {
    text(
        raw,
        BODY_MAX_CHARS,
        "a story paragraph needs text in both languages",
        "a story paragraph is at most 2000 characters",
    )
}

/// A product's prices and stock: each refused with its own code.
pub fn product_numbers(
    solo_price: i64,
    offer: Option<crate::DraftOffer>,
    stock: i64,
) -> Result<(), Invalid> {
    let price_ok = |p: i64| (1..=PRICE_MAX).contains(&p);
    if !price_ok(solo_price) {
        return Err(invalid(
            ErrorCode::BadPrice,
            "a price is from 0.01 to 1,000,000.00",
        ));
    }
    if let Some(offer) = offer {
        if !price_ok(offer.price) {
            return Err(invalid(
                ErrorCode::BadPrice,
                "a group price is from 0.01 to 1,000,000.00",
            ));
        }
        if offer.price >= solo_price {
            return Err(invalid(
                ErrorCode::GroupPriceTooHigh,
                "the group price must be below the solo price",
            ));
        }
        if !GROUP_SIZES.contains(&offer.size) {
            return Err(invalid(
                ErrorCode::BadGroupSize,
                "a group takes 2 to 50 people",
            ));
        }
        if !WINDOW_HOURS.contains(&offer.window_hours) {
            return Err(invalid(
                ErrorCode::BadWindow,
                "a group stays open 1 to 168 hours",
            ));
        }
        if offer.kind == crate::GroupKind::Lottery
            && !offer
                .lottery_winners
                .is_some_and(|n| n >= 1 && n < offer.size)
        {
            return Err(invalid(
                ErrorCode::TooManyWinners,
                "a lottery draws 1 winner or more, fewer than its group's size",
            ));
        }
    }
    if !(0..=STOCK_MAX).contains(&stock) {
        return Err(invalid(
            ErrorCode::BadStock,
            "stock is 0 to 1,000,000 units",
        ));
    }
    Ok(())
}

/// A pay-for-me note: at most 100 characters, possibly empty, trimmed, and one line with no
/// control characters or bidi overrides (it is shown to someone else, who must not be
/// misled about what they pay: such characters are dropped, line breaks become spaces).
pub fn pay_note(raw: &str) -> Result<String, Invalid> {
    let one_line: String = raw
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .filter(|&c| !has_control(c.encode_utf8(&mut [0; 4])))
        .collect();
    optional_line(&one_line, crate::pay_link::PAY_NOTE_MAX_CHARS)
}

/// A commission rule for a product whose lowest price is `lowest_price`.
pub fn commission(rule: crate::CommissionRule, lowest_price: i64) -> Result<(), Invalid> {
    match rule {
        crate::CommissionRule::Default => Ok(()),
        crate::CommissionRule::Rate { rate_bps } => commission_rate(rate_bps),
        crate::CommissionRule::Fixed { amount } if amount < 0 => Err(invalid(
            ErrorCode::BadCommission,
            "a commission is not below zero",
        )),
        crate::CommissionRule::Fixed { amount } if amount > lowest_price => Err(invalid(
            ErrorCode::CommissionAbovePrice,
            "a fixed commission is at most the product's lowest price",
        )),
        crate::CommissionRule::Fixed { .. } => Ok(()),
    }
}

/// A commission rate in basis points: 0 to 5000 (50 %).
pub fn commission_rate(rate_bps: i64) -> Result<(), Invalid> {
    if (0..=crate::earning::COMMISSION_BPS_MAX).contains(&rate_bps) {
        Ok(())
    } else {
        Err(invalid(
            ErrorCode::BadCommission,
            "a commission rate is 0 to 50 %",
        ))
    }
}

/// A withdrawal's amount: at least the minimum (what is available is the server's to say).
pub fn withdrawal_amount(amount: i64) -> Result<(), Invalid> {
    if amount >= crate::earning::WITHDRAWAL_MIN {
        Ok(())
    } else {
        Err(invalid(
            ErrorCode::WithdrawalTooSmall,
            "a withdrawal is at least 1.00",
        ))
    }
}

/// A community's description in one language: 1 to 200 characters once trimmed.
pub fn description(raw: &str) -> Result<String, Invalid> {
    text(
        raw,
        REFUND_REASON_MAX_CHARS,
        "a community needs a description in both languages",
        "a description is at most 200 characters",
    )
}

/// A refund's reason, told to the shopper: 1 to 200 characters once trimmed.
pub fn refund_reason(raw: &str) -> Result<String, Invalid> {
    text(
        raw,
        REFUND_REASON_MAX_CHARS,
        "a refund needs a reason for the shopper",
        "a refund's reason is at most 200 characters",
    )
}

/// A tracking number as stored: 8 to 30 ASCII letters and digits, upper case.
pub fn tracking_number(raw: &str) -> Result<String, Invalid> {
    if TRACKING_CHARS.contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(raw.to_ascii_uppercase())
    } else {
        Err(invalid(
            ErrorCode::BadTrackingNumber,
            "a tracking number is 8 to 30 letters and digits",
        ))
    }
}

/// A pickup code: exactly 6 digits.
pub fn pickup_code(raw: &str) -> Result<&str, Invalid> {
    if raw.len() == PICKUP_CODE_DIGITS && raw.bytes().all(|b| b.is_ascii_digit()) {
        Ok(raw)
    } else {
        Err(invalid(
            ErrorCode::PickupCodeWrong,
            "a pickup code is 6 digits",
        ))
    }
}

/// A recipient's name, phone and address: [`recipient`], [`phone`], [`address`].
pub fn delivery(name: &str, phone_number: &str, address_text: &str) -> Result<Delivery, Invalid> {
    Ok(Delivery {
        name: recipient(name)?,
        phone: phone(phone_number)?,
        address: address(address_text)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::patterns;

    #[test]
    fn product_numbers_each_have_their_code() {
        let offer = |price, size, window_hours| {
            Some(crate::DraftOffer {
                price,
                size,
                window_hours,
                kind: crate::GroupKind::Standard,
                lottery_winners: None,
            })
        };
        let lottery = |size, winners| {
            Some(crate::DraftOffer {
                price: 2990,
                size,
                window_hours: 24,
                kind: crate::GroupKind::Lottery,
                lottery_winners: winners,
            })
        };
        let code = |r: Result<(), Invalid>| r.err().map(|i| i.code);
        assert_eq!(code(product_numbers(3990, offer(2990, 3, 24), 10)), None);
        assert_eq!(code(product_numbers(3990, None, 0)), None);
        assert_eq!(code(product_numbers(0, None, 1)), Some(ErrorCode::BadPrice));
        assert_eq!(
            code(product_numbers(PRICE_MAX + 1, None, 1)),
            Some(ErrorCode::BadPrice)
        );
        assert_eq!(
            code(product_numbers(3990, offer(0, 3, 24), 1)),
            Some(ErrorCode::BadPrice)
        );
        assert_eq!(
            code(product_numbers(3990, offer(3990, 3, 24), 1)),
            Some(ErrorCode::GroupPriceTooHigh)
        );
        assert_eq!(
            code(product_numbers(3990, offer(2990, 1, 24), 1)),
            Some(ErrorCode::BadGroupSize)
        );
        assert_eq!(
            code(product_numbers(3990, offer(2990, 2, 0), 1)),
            Some(ErrorCode::BadWindow)
        );
        assert_eq!(
            code(product_numbers(3990, None, -1)),
            Some(ErrorCode::BadStock)
        );
        assert_eq!(code(product_numbers(3990, lottery(3, Some(2)), 1)), None);
        for winners in [None, Some(0), Some(3), Some(4)] {
            assert_eq!(
                code(product_numbers(3990, lottery(3, winners), 1)),
                Some(ErrorCode::TooManyWinners),
                "{winners:?}"
            );
        }
    }

    #[test]
    fn a_pay_note_is_one_line_of_text() {
        assert_eq!(
            pay_note("  帮我付一下\n谢谢 ").ok().as_deref(),
            Some("帮我付一下 谢谢")
        );
        assert_eq!(pay_note("").ok().as_deref(), Some(""));
        assert_eq!(
            pay_note("付\u{202e}款\u{0007}").ok().as_deref(),
            Some("付款"),
            "bidi overrides and control characters go"
        );
        assert_eq!(
            pay_note(&"长".repeat(101)).err().map(|i| i.code),
            Some(ErrorCode::TextTooLong)
        );
    }

    #[test]
    fn names() {
        assert_eq!(name("  小鹿妈妈 ").ok().as_deref(), Some("小鹿妈妈"));
        assert!(name(&"字".repeat(30)).is_ok());
        assert!(name("<img src=x onerror=alert(1)>").is_ok());
        for bad in ["", "   ", "a\nb", "a\u{0}b", "x\u{202e}y", &"字".repeat(31)] {
            assert!(name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            email(" Lena@Example.COM ").ok().as_deref(),
            Some("lena@example.com")
        );
        assert!(email("a@b.cn").is_ok());
        for bad in [
            "",
            "a",
            "a@b",
            "@b.cn",
            "a@@b.cn",
            "a@b@c.cn",
            "a@.cn",
            "a@b.",
            "a@b..cn",
            "a b@c.cn",
            &format!("{}@b.cn", "a".repeat(250)),
        ] {
            assert!(email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords() {
        assert!(password("12345678").is_ok());
        assert!(password(&"x".repeat(128)).is_ok());
        assert!(password("1234567").is_err());
        assert!(password(&"x".repeat(129)).is_err());
    }

    #[test]
    fn phones_are_mainland_mobiles_kept_as_their_digits() {
        for typed in [
            "13800000000",
            " 138 0000 0000 ",
            "138-0000-0000",
            "+86 13800000000",
            "+86-139-1234-5678",
            "+8619912345678",
        ] {
            let digits = phone(typed).ok();
            assert_eq!(digits.as_ref().map(String::len), Some(11), "{typed:?}");
            assert!(digits.is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit())));
        }
        assert_eq!(
            phone("+86 138-0000-0000").ok().as_deref(),
            Some("13800000000")
        );
        for bad in [
            "",
            "138",
            "12345",
            "+1 2025550123",
            "86 13800000000",
            "1380000000x",
        ] {
            assert!(phone(bad).is_err(), "{bad:?}");
        }
    }

    fn delivery_code(name: &str, phone: &str, address: &str) -> Option<ErrorCode> {
        delivery(name, phone, address).err().map(|e| e.code)
    }

    #[test]
    fn delivery_addresses_are_checked() {
        assert!(delivery("小鹿", "+86 138-0000-0000", "杭州市西湖区文三路 1 号").is_ok());
        for (n, p, a) in [
            ("小鹿", "138", "杭州市西湖区"),
            ("小鹿", "12800000000", "杭州市西湖区"),
            ("小鹿", "1380000000", "杭州市西湖区"),
            ("小鹿", "138000000000", "杭州市西湖区"),
            ("小鹿", "138--0000-0000", "杭州市西湖区"),
            ("小鹿", "13800000000-", "杭州市西湖区"),
            ("小鹿", "1 3800000000", "杭州市西湖区"),
            ("小鹿", "+86  13800000000", "杭州市西湖区"),
            ("", "13800000000", "杭州市西湖区"),
            (&*"名".repeat(31), "13800000000", "杭州市西湖区"),
            ("a\u{0}b", "13800000000", "杭州市西湖区"),
            ("小鹿", "1234", "杭州市西湖区"),
            ("小鹿", "138000000001380000000", "杭州市西湖区"),
            ("小鹿", "138(000)0000", "杭州市西湖区"),
            ("小鹿", "１３８００００００００", "杭州市西湖区"),
            ("小鹿", "13800000000", "杭州"),
            ("小鹿", "13800000000", &*"路".repeat(201)),
        ] {
            assert_eq!(
                delivery_code(n, p, a),
                Some(ErrorCode::BadFulfilment),
                "{n:?} {p:?} {a:?}"
            );
        }
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(comment("  好用 ").ok().as_deref(), Some("好用"));
        assert_eq!(
            comment(" \n ").map_err(|e| e.code),
            Err(ErrorCode::EmptyText)
        );
        assert_eq!(
            comment(&"字".repeat(501)).map_err(|e| e.code),
            Err(ErrorCode::TextTooLong)
        );
        assert!(title(&"字".repeat(60)).is_ok());
        let body = paragraphs(&[" a ".into(), "  ".into(), "b".into()]);
        assert_eq!(body.ok(), Some(vec!["a".to_owned(), "b".to_owned()]));
        assert!(paragraphs(&[" ".into()]).is_err());
        assert!(paragraphs(&["x".repeat(1000), "y".repeat(1001)]).is_err());
    }

    /// Does the OpenAPI pattern accept exactly what the check accepts, for these values?
    fn agree(pattern: &str, check: impl Fn(&str) -> bool, values: &[String]) {
        let regex = fancy_regex::Regex::new(pattern).expect("the pattern compiles");
        for value in values {
            let matched = regex.is_match(value).expect("the pattern runs");
            assert_eq!(matched, check(value), "{pattern} on {value:?}");
        }
    }

    /// Values around every edge the checks have: lengths at and past the limits, white
    /// space at the ends and inside, control characters, bidi overrides, non-ASCII.
    fn samples() -> Vec<String> {
        let mut values: Vec<String> = [
            "",
            " ",
            "\t",
            "a",
            " a ",
            "\ta\n",
            "a b",
            "a\u{0}b",
            "a\u{7f}b",
            "\u{85}a\u{85}",
            "a\u{202e}b",
            "123456",
            "12345",
            "1234567",
            "12345a",
            "SF1234567890",
            "sf12345678",
            "SF-1234567",
            "\u{3000}名\u{3000}",
            "名字",
            "a@b.cn",
            " A@B.CN ",
            "a@b",
            "a@@b.cn",
            "a@.cn",
            "a b@c.cn",
            "@b.cn",
            "+86 138-0000-0000",
            "13800000000",
            " 139 1234 5678 ",
            "+8613800000000",
            "+86-13800000000",
            "+86  13800000000",
            "138--0000-0000",
            "13800000000-",
            "-13800000000",
            "1 3800000000",
            "12800000000",
            "138000000001",
            "1380000000",
            " 12345 ",
            "1234",
            "12 34",
            "123456789012345678901",
            "１２３４５",
            "12345\u{0}",
            "-----",
            "     ",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        for n in [
            3, 4, 5, 29, 30, 31, 59, 60, 61, 199, 200, 201, 499, 500, 501,
        ] {
            values.push("字".repeat(n));
            values.push(format!(" {} ", "x".repeat(n)));
            values.push(format!("{}\u{1}", "x".repeat(n)));
            values.push("1".repeat(n));
        }
        values
    }

    #[test]
    fn the_documents_patterns_say_what_the_checks_say() {
        let values = samples();
        agree(patterns::NAME, |v| name(v).is_ok(), &values);
        agree(patterns::TITLE, |v| title(v).is_ok(), &values);
        agree(patterns::COMMENT, |v| comment(v).is_ok(), &values);
        agree(
            patterns::REFUND_REASON,
            |v| refund_reason(v).is_ok(),
            &values,
        );
        agree(
            patterns::TRACKING_NUMBER,
            |v| tracking_number(v).is_ok(),
            &values,
        );
        agree(patterns::PICKUP_CODE, |v| pickup_code(v).is_ok(), &values);
        agree(
            patterns::PARAGRAPH,
            |v| paragraphs(&[v.to_owned()]).is_ok(),
            &values,
        );
        // An email's length is the schema's `maxLength`, not the pattern's.
        let short: Vec<String> = values
            .iter()
            .filter(|v| v.chars().count() <= 254)
            .cloned()
            .collect();
        agree(patterns::EMAIL, |v| email(v).is_ok(), &short);
        agree(
            patterns::PHONE,
            |v| delivery("a", v, "abcde").is_ok(),
            &values,
        );
        agree(
            patterns::ADDRESS,
            |v| delivery("a", "13800000000", v).is_ok(),
            &values,
        );
    }

    #[test]
    fn slug_and_code_patterns_say_what_the_parsers_say() {
        let mut values = samples();
        values.extend(
            [
                "cycling",
                "new-mothers-2",
                "Cycling",
                "骑行",
                "a b",
                "7K3M9QXZ",
                "7k3m-9qxz",
                "ILO12345",
                "U2345678",
                "7K3M9QX",
                "7K3M9QXZ1",
                "--7K3M9QXZ--",
            ]
            .iter()
            .map(|s| (*s).to_owned()),
        );
        values.push("a".repeat(64));
        values.push("a".repeat(65));
        agree(patterns::SLUG, crate::params::is_slug, &values);
        agree(
            patterns::REFERRAL_CODE,
            |v| crate::parse_referral_code(v).is_some(),
            &values,
        );
    }
}
