//! What a member is told happened while they were away (`/me/notifications`), and the
//! events an open tab receives (`GET /events`, server-sent events).

use serde::{Deserialize, Serialize};

use crate::{Money, ProductCard};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// The member's group filled: their order is on its way.
    GroupSucceeded,
    /// The group did not fill in time: a paid order was refunded.
    GroupFailed,
    /// The member won their lottery group's draw.
    LotteryWon,
    /// Not drawn in the lottery: refunded in full.
    LotteryLost,
    /// An order was refunded (by the store, or a late payment).
    Refunded,
    /// A friend paid the member's pay-for-me link.
    PaidForYou,
    /// A flash sale the member asked about has started.
    FlashSaleStarted,
    /// A commission settled: it can be withdrawn.
    EarningSettled,
    /// A withdrawal was paid out.
    WithdrawalPaid,
    /// A kind this client does not know yet (a newer server).
    #[serde(other)]
    Unknown,
}

impl NotificationKind {
    pub const KNOWN: [NotificationKind; 9] = [
        NotificationKind::GroupSucceeded,
        NotificationKind::GroupFailed,
        NotificationKind::LotteryWon,
        NotificationKind::LotteryLost,
        NotificationKind::Refunded,
        NotificationKind::PaidForYou,
        NotificationKind::FlashSaleStarted,
        NotificationKind::EarningSettled,
        NotificationKind::WithdrawalPaid,
    ];

    /// As stored and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::GroupSucceeded => "group_succeeded",
            NotificationKind::GroupFailed => "group_failed",
            NotificationKind::LotteryWon => "lottery_won",
            NotificationKind::LotteryLost => "lottery_lost",
            NotificationKind::Refunded => "refunded",
            NotificationKind::PaidForYou => "paid_for_you",
            NotificationKind::FlashSaleStarted => "flash_sale_started",
            NotificationKind::EarningSettled => "earning_settled",
            NotificationKind::WithdrawalPaid => "withdrawal_paid",
            NotificationKind::Unknown => "unknown",
        }
    }

    /// A known kind; `None` for anything else.
    pub fn parse(raw: &str) -> Option<NotificationKind> {
        NotificationKind::KNOWN
            .into_iter()
            .find(|k| k.as_str() == raw)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub read: bool,
    /// The product it is about, if any.
    pub product: Option<ProductCard>,
    pub order_id: Option<i64>,
    pub group_id: Option<i64>,
    /// The sum it is about: a refund, an earning, a withdrawal.
    pub amount: Option<Money>,
}

/// `GET /notifications/unread`, and the `unread` event: the tab bar's badge.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unread {
    pub unread: u32,
}

/// The data of an `order` or `group` event: which one changed (read it again).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Changed {
    pub id: i64,
}

/// The names of the events on the stream (`event:` lines).
pub mod event {
    /// On connecting, and with each new notification: `Unread`.
    pub const UNREAD: &str = "unread";
    /// One of the member's orders changed: `Changed`.
    pub const ORDER: &str = "order";
    /// A group changed (a seat taken or let go, filled, failed, drawn): `Changed`.
    pub const GROUP: &str = "group";
    /// The stream fell behind and some changes were not sent: read everything again.
    pub const RESYNC: &str = "resync";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_their_json_names() {
        for kind in NotificationKind::KNOWN {
            let json = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(NotificationKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(NotificationKind::parse("unknown"), None);
    }
}
