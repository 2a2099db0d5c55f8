//! What the order machinery needs apart from the web: the database, the payment provider
//! and the settings.

use rusqlite::Connection;

use crate::commerce::payment::PaymentProvider;
use crate::http::error::AppError;
use crate::storage::db::Pool;

/// How long an unpaid order holds its stock and seat when `--seat-hold-secs` is not given.
pub const DEFAULT_SEAT_HOLD_SECS: u64 = 120;

/// How orders and group-buys run (the server's settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderSettings {
    /// How long an unpaid order holds its stock and seat, in ms.
    pub hold_ms: i64,
    /// A group's window in ms, in place of its product's `window_hours` (for tests).
    pub group_window_ms: Option<i64>,
}

/// What the order machinery needs, apart from the web: the database, the payment provider
/// and the settings. The expiry sweep and payment timers hold one of these (not the whole
/// [`crate::AppState`]), so they outlive no router.
#[derive(Clone)]
pub struct Commerce {
    pub pool: Pool,
    pub payments: std::sync::Arc<dyn PaymentProvider>,
    pub settings: OrderSettings,
}

impl Commerce {
    /// Blocking database work on tokio's blocking pool, like [`crate::AppState::db`].
    pub async fn db<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Connection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        crate::storage::db::run(&self.pool, work).await
    }
}
