//! What sharers earn (issue 15): the commission rule of a product, the earnings of a member
//! whose link brought an order, and their withdrawals. Single level: the member whose link
//! brought the order earns, nobody earns on the earnings of others, and nobody on their own
//! purchases. Every amount is integer minor units.

use serde::{Deserialize, Serialize};

use crate::{Money, ProductCard};

/// Rates are basis points: 500 is 5 %.
pub const BPS_PER_WHOLE: i64 = 10_000;
/// The highest rate a product or the store may give: 50 %.
pub const COMMISSION_BPS_MAX: i64 = 5_000;
/// The least a member may withdraw: ¥1.00.
pub const WITHDRAWAL_MIN: i64 = 100;
/// Days after an order completes before its commission settles (the return window), when
/// the server is not told otherwise.
pub const RETURN_WINDOW_DAYS: u32 = 7;
/// The withdrawals the earnings page lists, newest first.
pub const WITHDRAWALS_SHOWN: usize = 20;

/// How a product's commission is figured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CommissionRule {
    /// The store's default rate.
    Default,
    /// A share of the price paid, in basis points (500 = 5 %), 0 to 5000.
    Rate {
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::commission_bps))]
        #[serde(deserialize_with = "crate::whole::i64")]
        rate_bps: i64,
    },
    /// An amount per unit sold, in minor units, at most the product's lowest price.
    Fixed {
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::commission_amount))]
        #[serde(deserialize_with = "crate::whole::i64")]
        amount: i64,
    },
}

impl CommissionRule {
    /// The rule as stored: a product's own rate, or its fixed amount, or neither.
    pub fn from_columns(rate_bps: Option<i64>, fixed: Option<i64>) -> CommissionRule {
        match (fixed, rate_bps) {
            (Some(amount), _) => CommissionRule::Fixed { amount },
            (None, Some(rate_bps)) => CommissionRule::Rate { rate_bps },
            (None, None) => CommissionRule::Default,
        }
    }

    /// The commission on one unit bought at `unit_price`, under the store's `default_bps`:
    /// a rate rounds down to the fen, a fixed amount is never more than the price paid.
    pub fn per_unit(self, default_bps: i64, unit_price: i64) -> i64 {
        let rate = |bps: i64| unit_price.saturating_mul(bps) / BPS_PER_WHOLE;
        match self {
            CommissionRule::Default => rate(default_bps),
            CommissionRule::Rate { rate_bps } => rate(rate_bps),
            CommissionRule::Fixed { amount } => amount.min(unit_price),
        }
        .max(0)
    }
}

/// `GET` and `PUT /staff/commission`: the store's default rate, for products without a
/// rule of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreCommission {
    /// Basis points, 0 to 5000 (50 %).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::commission_bps))]
    #[serde(deserialize_with = "crate::whole::i64")]
    pub rate_bps: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EarningKind {
    /// The commission on an order the member's link brought.
    Commission,
    /// Taken back: the order was refunded after its commission had settled.
    Adjustment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EarningState {
    /// The order is paid (a group order: its group filled); it settles once the order has
    /// completed and its return window has passed.
    Pending,
    /// The member's to withdraw.
    Settled,
    /// The order was refunded before its commission settled.
    Cancelled,
}

/// One earning: an order's commission, or a refund's adjustment. Never the buyer's name,
/// phone or address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Earning {
    pub id: i64,
    pub kind: EarningKind,
    pub state: EarningState,
    /// Positive for a commission, negative for an adjustment.
    pub amount: Money,
    /// The order's first product.
    pub product: ProductCard,
    /// Units in the order.
    pub units: u32,
    /// RFC 3339 UTC: when it was earned (or taken back).
    pub created_at: String,
    /// RFC 3339 UTC: when a pending commission settles, once its order has completed.
    pub settles_at: Option<String>,
}

/// A member's earnings in four sums.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EarningsBalance {
    /// Commissions waiting for their orders to complete and their return windows to pass.
    pub pending: Money,
    /// Everything settled, adjustments taken off.
    pub settled: Money,
    /// Paid out.
    pub withdrawn: Money,
    /// Settled, less what is paid out or asked for: what may be withdrawn now (negative
    /// when a refund took back more than is left).
    pub available: Money,
    /// The least one withdrawal may be.
    pub minimum_withdrawal: Money,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WithdrawalState {
    /// Waiting for the owner.
    Requested,
    /// The owner said no: the amount is available again.
    Refused,
    /// Approved, being paid out.
    Paying,
    Paid,
    /// The payout provider declined it: the amount is available again.
    Declined,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Withdrawal {
    pub id: i64,
    pub amount: Money,
    pub state: WithdrawalState,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// RFC 3339 UTC: when the owner approved or refused it.
    pub decided_at: Option<String>,
    /// The owner's reason for a refusal.
    pub reason: Option<String>,
}

/// `GET /account/earnings`: the balance, a page of earnings (newest first) and the latest
/// withdrawals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Earnings {
    pub balance: EarningsBalance,
    pub items: Vec<Earning>,
    pub next_cursor: Option<String>,
    /// The 20 latest, newest first.
    pub withdrawals: Vec<Withdrawal>,
}

/// `POST /account/withdrawals` (with `Idempotency-Key`): an amount of the available
/// earnings, in minor units of CNY.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWithdrawal {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::withdrawal_amount))]
    #[serde(deserialize_with = "crate::whole::i64")]
    pub amount: i64,
}

/// How the reference server's test payout provider answers; a real provider ignores it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TestPayout {
    #[default]
    Approve,
    Decline,
}

/// `POST /staff/withdrawals/{id}/approve`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApproveWithdrawal {
    #[serde(default)]
    pub test_payout: TestPayout,
}

/// `POST /staff/withdrawals/{id}/refuse`: the reason, told to the member (1 to 200
/// characters).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefuseWithdrawal {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::refund_reason))]
    pub reason: String,
}

/// A withdrawal in the console's queue, with who asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffWithdrawal {
    pub withdrawal: Withdrawal,
    pub member_id: i64,
    pub member_name: String,
    /// Absent for a member without an account of their own (made by the store).
    pub member_email: Option<String>,
    /// What the member may withdraw now, beside this request (negative when a refund took
    /// back more than is left).
    pub member_available: Money,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_rounds_down_to_the_fen() {
        assert_eq!(CommissionRule::Default.per_unit(500, 3990), 199);
        assert_eq!(
            CommissionRule::Rate { rate_bps: 1250 }.per_unit(500, 999),
            124
        );
        assert_eq!(CommissionRule::Rate { rate_bps: 0 }.per_unit(500, 999), 0);
        assert_eq!(CommissionRule::Default.per_unit(5000, 1), 0);
    }

    #[test]
    fn a_fixed_amount_is_never_more_than_the_price_paid() {
        let fixed = CommissionRule::Fixed { amount: 500 };
        assert_eq!(fixed.per_unit(500, 3990), 500);
        assert_eq!(fixed.per_unit(500, 300), 300);
    }

    #[test]
    fn columns_read_back_as_rules() {
        assert_eq!(
            CommissionRule::from_columns(None, None),
            CommissionRule::Default
        );
        assert_eq!(
            CommissionRule::from_columns(Some(800), None),
            CommissionRule::Rate { rate_bps: 800 }
        );
        assert_eq!(
            CommissionRule::from_columns(None, Some(100)),
            CommissionRule::Fixed { amount: 100 }
        );
    }

    #[test]
    fn rules_are_tagged_json() -> Result<(), serde_json::Error> {
        let rule: CommissionRule = serde_json::from_str(r#"{"kind":"rate","rate_bps":800}"#)?;
        assert_eq!(rule, CommissionRule::Rate { rate_bps: 800 });
        assert_eq!(
            serde_json::to_string(&CommissionRule::Default)?,
            r#"{"kind":"default"}"#
        );
        Ok(())
    }
}
