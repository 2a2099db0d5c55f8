//! What the order machinery needs apart from the web: the database, the payment provider
//! and the settings.

use crate::commerce::payment::PaymentProvider;
use crate::commerce::payout::PayoutProvider;
use crate::storage::db::Db;

/// How long an unpaid order holds its stock and seat when `--seat-hold-secs` is not given:
/// long enough to switch to a payment app, pay and come back (issue 18; it was 2 minutes).
pub const DEFAULT_SEAT_HOLD_SECS: u64 = 900;

/// How orders and group-buys run (the server's settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderSettings {
    /// How long an unpaid order holds its stock and seat, in ms.
    pub hold_ms: i64,
    /// A group's window in ms, in place of its product's `window_hours` (for tests).
    pub group_window_ms: Option<i64>,
    /// How long after shipping a delivery order completes by itself, in ms.
    pub auto_complete_ms: i64,
    /// How long after an order completes its commission settles (the return window), in ms.
    pub return_window_ms: i64,
}

/// What the order machinery needs, apart from the web: the database, the payment provider
/// and the settings. The expiry sweep and payment timers hold one of these (not the whole
/// [`crate::AppState`]), so they outlive no router.
#[derive(Clone)]
pub struct Commerce {
    pub db: Db,
    pub payments: std::sync::Arc<dyn PaymentProvider>,
    /// Pays members their withdrawn earnings.
    pub payouts: std::sync::Arc<dyn PayoutProvider>,
    pub settings: OrderSettings,
}
