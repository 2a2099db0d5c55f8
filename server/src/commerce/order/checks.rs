//! What a new order must say before anything is looked up: a delivery address's fields,
//! and a solo order's lines.

use quanzi_api::order::{ADDRESS_CHARS, CART_LINES_MAX, DELIVERY_NAME_MAX_CHARS, PHONE_CHARS};
use quanzi_api::{ErrorCode, Fulfilment, QUANTITY_MAX};

use crate::commerce::cart::check_quantity;
use crate::http::error::AppError;

/// A fulfilment as checked.
pub enum Checked {
    Delivery {
        name: String,
        phone: String,
        address: String,
    },
    Pickup(i64),
}

pub fn bad_fulfilment(message: &'static str) -> AppError {
    AppError::bad_request(ErrorCode::BadFulfilment, message)
}

pub fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
}

/// Checks a delivery address's fields, trimmed (the pickup point is checked against the
/// database later).
pub fn check_fulfilment(fulfilment: &Fulfilment) -> Result<Checked, AppError> {
    match fulfilment {
        Fulfilment::Pickup { point_id } => Ok(Checked::Pickup(*point_id)),
        Fulfilment::Delivery {
            name,
            phone,
            address,
        } => {
            let name = name.trim();
            let name_len = name.chars().count();
            if name_len == 0 || name_len > DELIVERY_NAME_MAX_CHARS || has_control(name) {
                return Err(bad_fulfilment("a recipient's name is 1 to 30 characters"));
            }
            let phone = phone.trim();
            if !PHONE_CHARS.contains(&phone.len())
                || !phone
                    .bytes()
                    .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b' '))
            {
                return Err(bad_fulfilment(
                    "a phone number is 5 to 20 of the digits 0-9, +, - and spaces",
                ));
            }
            let address = address.trim();
            if !ADDRESS_CHARS.contains(&address.chars().count()) || has_control(address) {
                return Err(bad_fulfilment("an address is 5 to 200 characters"));
            }
            Ok(Checked::Delivery {
                name: name.to_owned(),
                phone: phone.to_owned(),
                address: address.to_owned(),
            })
        }
    }
}

/// A solo order's lines, checked before anything is looked up: 1 to 30 products, each
/// 1 to 20 (repeats of a product add up, within 20).
pub fn check_solo_lines(lines: &[quanzi_api::LineRequest]) -> Result<Vec<(i64, u32)>, AppError> {
    if lines.is_empty() {
        return Err(AppError::bad_request(
            ErrorCode::EmptyCart,
            "an order needs at least one product",
        ));
    }
    if lines.len() > CART_LINES_MAX {
        return Err(AppError::bad_request(
            ErrorCode::BadQuantity,
            "an order has at most 30 different products",
        ));
    }
    let mut out: Vec<(i64, u32)> = Vec::with_capacity(lines.len());
    for line in lines {
        let quantity = check_quantity(i64::from(line.quantity))?;
        match out.iter_mut().find(|(id, _)| *id == line.product_id) {
            Some((_, q)) => {
                *q += quantity;
                if *q > QUANTITY_MAX {
                    return Err(AppError::bad_request(
                        ErrorCode::BadQuantity,
                        "at most 20 of one product in an order",
                    ));
                }
            }
            None => out.push((line.product_id, quantity)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(name: &str, phone: &str, address: &str) -> Fulfilment {
        Fulfilment::Delivery {
            name: name.to_owned(),
            phone: phone.to_owned(),
            address: address.to_owned(),
        }
    }

    #[test]
    fn delivery_addresses_are_checked() {
        assert!(check_fulfilment(&delivery(
            "小鹿",
            "+86 138-0000-0000",
            "杭州市西湖区文三路 1 号"
        ))
        .is_ok());
        for bad in [
            delivery("", "13800000000", "杭州市西湖区"),
            delivery(&"名".repeat(31), "13800000000", "杭州市西湖区"),
            delivery("a\u{0}b", "13800000000", "杭州市西湖区"),
            delivery("小鹿", "1234", "杭州市西湖区"),
            delivery("小鹿", "138000000001380000000", "杭州市西湖区"),
            delivery("小鹿", "138(000)0000", "杭州市西湖区"),
            delivery("小鹿", "１３８００００００００", "杭州市西湖区"),
            delivery("小鹿", "13800000000", "杭州"),
            delivery("小鹿", "13800000000", &"路".repeat(201)),
        ] {
            let err = check_fulfilment(&bad).err();
            assert_eq!(
                err.map(|e| e.code),
                Some(ErrorCode::BadFulfilment),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn solo_lines_are_checked_and_repeats_add_up() {
        use quanzi_api::LineRequest;
        let line = |product_id, quantity| LineRequest {
            product_id,
            quantity,
        };
        assert_eq!(
            check_solo_lines(&[line(1, 2), line(2, 1), line(1, 3)]).ok(),
            Some(vec![(1, 5), (2, 1)])
        );
        let code = |lines: &[LineRequest]| check_solo_lines(lines).err().map(|e| e.code);
        assert_eq!(code(&[]), Some(ErrorCode::EmptyCart));
        assert_eq!(code(&[line(1, 0)]), Some(ErrorCode::BadQuantity));
        assert_eq!(code(&[line(1, 21)]), Some(ErrorCode::BadQuantity));
        assert_eq!(
            code(&[line(1, 15), line(1, 6)]),
            Some(ErrorCode::BadQuantity)
        );
        let many: Vec<LineRequest> = (1..=31).map(|id| line(id, 1)).collect();
        assert_eq!(code(&many), Some(ErrorCode::BadQuantity));
    }
}
