//! What a new order must say before anything is looked up: a delivery address's fields,
//! and a solo order's lines.

use quanzi_api::check::Delivery;
use quanzi_api::order::CART_LINES_MAX;
use quanzi_api::{ErrorCode, Fulfilment, QUANTITY_MAX};

use crate::commerce::cart::check_quantity;
use crate::http::error::AppError;

/// A fulfilment as checked.
pub enum Checked {
    Delivery(Delivery),
    /// The point, and the contact's name and phone.
    Pickup(i64, String, String),
}

pub fn bad_fulfilment(message: &'static str) -> AppError {
    AppError::bad_request(ErrorCode::BadFulfilment, message)
}

/// Checks a delivery address's or a pickup contact's fields, trimmed (the pickup point is
/// checked against the database later).
pub fn check_fulfilment(fulfilment: &Fulfilment) -> Result<Checked, AppError> {
    use quanzi_api::check::{phone as check_phone, recipient};
    match fulfilment {
        Fulfilment::Pickup {
            point_id,
            name,
            phone,
        } => Ok(Checked::Pickup(
            *point_id,
            recipient(name)?,
            check_phone(phone)?,
        )),
        Fulfilment::Delivery {
            name,
            phone,
            address,
        } => Ok(Checked::Delivery(quanzi_api::check::delivery(
            name, phone, address,
        )?)),
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
