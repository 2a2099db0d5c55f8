//! The database: the pool, migrations, transactions, and the idempotency keys kept inside
//! the same write transaction as the work they guard.

pub mod db;
pub mod idempotency;
pub mod rows;
