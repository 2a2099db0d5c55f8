//! The database: SQLite or PostgreSQL through one sqlx `Any` pool, connection settings,
//! write transactions and schema migrations. While the capabilities move to sqlx (issue
//! 13), the ones not yet moved reach the same SQLite file through `run` and rusqlite.

use std::path::Path;

use anyhow::{bail, Context};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};

use crate::http::error::AppError;

pub type Pool = r2d2::Pool<SqliteConnectionManager>;

/// A write transaction (see [`Db::write`]).
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Which database the server runs on: the SQL differs in a few places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The database as handlers share it (`State<Db>`).
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    engine: Engine,
    /// The same SQLite file through rusqlite, for the capabilities not yet on sqlx.
    legacy: Pool,
}

impl Db {
    /// The pool, for reads (`fetch_*(db.pool())`): each query on whichever connection is free.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// A transaction for read-then-write work. On SQLite it takes the write lock at once:
    /// a deferred transaction that reads first may find, when it comes to write, that
    /// another connection wrote in between, and SQLite then fails it instead of waiting.
    pub async fn write(&self) -> Result<Tx, AppError> {
        let begin = match self.engine {
            Engine::Sqlite => "BEGIN IMMEDIATE",
            Engine::Postgres => "BEGIN",
        };
        Ok(self.pool.begin_with(begin).await?)
    }

    /// Serialises write transactions about one member (their cart, their pending photos),
    /// for checks that count rows before adding one. SQLite's write transaction already
    /// excludes every other writer; PostgreSQL locks the member's row until the commit.
    pub async fn lock_member(&self, tx: &mut Tx, member_id: i64) -> Result<(), AppError> {
        if self.engine == Engine::Postgres {
            sqlx::query("SELECT id FROM members WHERE id = $1 FOR UPDATE")
                .bind(member_id)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Blocking rusqlite work on tokio's blocking pool, for what is not yet on sqlx.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut rusqlite::Connection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.legacy.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(AppError::internal)?;
            work(&mut conn)
        })
        .await
        .map_err(AppError::internal)?
    }

    /// The SQLite file at `path` (already migrated by [`open`]) through both drivers.
    pub async fn sqlite(path: &Path, legacy: Pool) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        // The driver takes a URL and percent-decodes its path (`?` and `#` may be in a name).
        let file = std::path::absolute(path)
            .ok()
            .and_then(|abs| url::Url::from_file_path(abs).ok())
            .with_context(|| format!("the database path {} is not a file path", path.display()))?;
        let url = format!("sqlite://{}", file.path());
        let pool = AnyPoolOptions::new()
            .max_connections(POOL_SIZE)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(SQLITE_SETTINGS).await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .with_context(|| format!("opening the database {}", path.display()))?;
        Ok(Db {
            pool,
            engine: Engine::Sqlite,
            legacy,
        })
    }
}

/// A column as `u32` (counts, sizes, pixels): the `Any` driver reads integers as `i64`.
pub fn u32_at(row: &AnyRow, index: usize) -> Result<u32, sqlx::Error> {
    let value: i64 = row.try_get(index)?;
    u32::try_from(value).map_err(|e| sqlx::Error::ColumnDecode {
        index: index.to_string(),
        source: Box::new(e),
    })
}

/// Per-connection SQLite settings (SQLite forgets them when the connection closes); a
/// connection waits up to 5 s on another's write lock before giving up.
const SQLITE_SETTINGS: &str =
    "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

/// The schema, one SQL file per version, applied in order. A database's `user_version`
/// says how many have been applied; never edit a released file, add the next one.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_init.sql",
        include_str!("../../migrations/0001_init.sql"),
    ),
    (
        "0002_members.sql",
        include_str!("../../migrations/0002_members.sql"),
    ),
    (
        "0003_avatars.sql",
        include_str!("../../migrations/0003_avatars.sql"),
    ),
    (
        "0004_referrals.sql",
        include_str!("../../migrations/0004_referrals.sql"),
    ),
    (
        "0005_orders.sql",
        include_str!("../../migrations/0005_orders.sql"),
    ),
    (
        "0006_payment_claims.sql",
        include_str!("../../migrations/0006_payment_claims.sql"),
    ),
];

const POOL_SIZE: u32 = 8;

/// The current time as stored: unix milliseconds, UTC.
pub fn now_ms() -> i64 {
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    i64::try_from(nanos / 1_000_000).unwrap_or(i64::MAX)
}

/// [`Db::write`] for rusqlite.
pub fn write_tx(conn: &mut Connection) -> rusqlite::Result<rusqlite::Transaction<'_>> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
}

/// Opens (creating if needed) the database at `path`, migrates it, and returns a pool.
pub fn open(path: &Path) -> anyhow::Result<Pool> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the database directory {}", parent.display()))?;
    }
    // WAL is a property of the file, so set it once, before pooled connections race for it.
    {
        let mut conn = Connection::open(path)
            .with_context(|| format!("opening the database {}", path.display()))?;
        configure(&conn)?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "SQLite refused WAL mode; continuing");
        }
        migrate(&mut conn)?;
    }
    let manager = SqliteConnectionManager::file(path)
        .with_flags(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .with_init(|conn| configure(conn));
    let pool = r2d2::Pool::builder()
        .max_size(POOL_SIZE)
        .min_idle(Some(1))
        .build(manager)
        .context("opening the connection pool")?;
    Ok(pool)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SQLITE_SETTINGS)
}

/// Brings the schema up to date, one transaction per migration. Each step takes the write
/// lock first and then reads the version, so two servers starting on one fresh file do not
/// both apply the same migration.
pub fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let known = MIGRATIONS.len() as i64;
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let applied: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if applied > known {
            bail!("the database is at schema version {applied}, newer than this server ({known}); use a newer server");
        }
        let Some((name, sql)) = usize::try_from(applied)
            .ok()
            .and_then(|i| MIGRATIONS.get(i))
        else {
            return Ok(());
        };
        tx.execute_batch(sql)
            .with_context(|| format!("applying migration {name}"))?;
        // user_version cannot take a bound parameter; the value is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {}", applied + 1))?;
        tx.commit()?;
        tracing::info!(migration = name, "applied");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_foreign_keys_hold() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("nested/dir/q.sqlite");
        let pool = open(&path)?;
        let conn = pool.get()?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        assert_eq!(version, MIGRATIONS.len() as i64);
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        assert_eq!(mode, "wal");
        // A post by nobody in no community must be refused.
        let err = conn.execute(
            "INSERT INTO posts (id, author_id, community_id, created_ms, title, body) \
             VALUES (1, 99, 99, 0, 't', '[]')",
            [],
        );
        assert!(err.is_err());
        drop(conn);
        drop(pool);
        // Reopening an up-to-date database applies nothing and fails on nothing.
        let _pool = open(&path)?;
        Ok(())
    }

    #[test]
    fn a_v2_database_with_uploads_moves_to_v3() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("q.sqlite");
        {
            let conn = Connection::open(&path)?;
            for (_, sql) in &MIGRATIONS[..2] {
                conn.execute_batch(sql)?;
            }
            conn.execute_batch(
                "PRAGMA user_version = 2;
                 INSERT INTO members (id, name) VALUES (1, 'a');
                 INSERT INTO uploads (owner_id, name, width, height, created_ms)
                 VALUES (1, 'x.jpg', 1, 1, 0), (1, 'y.jpg', 1, 1, 0);",
            )?;
        }
        let pool = open(&path)?;
        let conn = pool.get()?;
        // Uploads made before profile pictures existed are nobody's picture.
        let pictures: i64 =
            conn.query_row("SELECT count(*) FROM uploads WHERE avatar = 1", [], |r| {
                r.get(0)
            })?;
        assert_eq!(pictures, 0);
        conn.execute("UPDATE uploads SET avatar = 1 WHERE name = 'x.jpg'", [])?;
        // One picture per member.
        assert!(conn
            .execute("UPDATE uploads SET avatar = 1 WHERE name = 'y.jpg'", [])
            .is_err());
        Ok(())
    }

    #[tokio::test]
    async fn a_v3_database_moves_to_v4_and_its_members_get_codes() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("q.sqlite");
        {
            let conn = Connection::open(&path)?;
            for (_, sql) in &MIGRATIONS[..3] {
                conn.execute_batch(sql)?;
            }
            conn.execute_batch(
                "PRAGMA user_version = 3;
                 INSERT INTO members (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');",
            )?;
        }
        let pool = open(&path)?;
        let conn = pool.get()?;
        let db = Db::sqlite(&path, pool).await?;
        let backfill = || async { crate::referral::backfill(&db).await.map_err(|e| e.message) };
        assert_eq!(backfill().await, Ok(3));
        assert_eq!(backfill().await, Ok(0));
        let (coded, distinct): (i64, i64) = conn.query_row(
            "SELECT count(referral_code), count(DISTINCT referral_code) FROM members",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        assert_eq!((coded, distinct), (3, 3));
        // Nobody refers themself, and a referral has its time.
        assert!(conn
            .execute(
                "UPDATE members SET referred_by = 1, referred_ms = 0 WHERE id = 1",
                []
            )
            .is_err());
        assert!(conn
            .execute("UPDATE members SET referred_by = 1 WHERE id = 2", [])
            .is_err());
        conn.execute(
            "UPDATE members SET referred_by = 1, referred_ms = 0 WHERE id = 2",
            [],
        )?;
        // One visit per referrer, visitor and day.
        conn.execute(
            "INSERT INTO referral_visits (referrer_id, day, visitor, created_ms) VALUES (1, 7, 'v', 0)",
            [],
        )?;
        assert!(conn
            .execute(
                "INSERT INTO referral_visits (referrer_id, day, visitor, created_ms) VALUES (1, 7, 'v', 1)",
                [],
            )
            .is_err());
        Ok(())
    }

    #[tokio::test]
    async fn both_drivers_open_the_same_file_whatever_its_name() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("a b?c#d%20.sqlite");
        let db = Db::sqlite(&path, open(&path)?).await?;
        // The migrated schema is there: sqlx found the file rusqlite made, not a new one.
        let tables: i64 =
            sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE name = 'members'")
                .fetch_one(db.pool())
                .await?;
        assert_eq!(tables, 1);
        assert_eq!(
            std::fs::read_dir(dir.path())?
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "sqlite"))
                .count(),
            1
        );
        Ok(())
    }

    #[test]
    fn a_newer_database_is_refused() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("q.sqlite");
        {
            let conn = Connection::open(&path)?;
            conn.execute_batch("PRAGMA user_version = 999")?;
        }
        let err = open(&path).err().map(|e| format!("{e:#}"));
        assert!(err.is_some_and(|e| e.contains("newer")));
        Ok(())
    }
}
