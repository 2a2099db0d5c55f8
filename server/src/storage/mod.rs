//! The database: the pool, migrations, transactions, and the idempotency keys kept inside
//! the same write transaction as the work they guard; the names of what is kept.

pub mod db;
pub mod idempotency;
pub mod names;
pub mod rows;
