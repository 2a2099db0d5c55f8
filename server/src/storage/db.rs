//! The database: SQLite (a file, the default) or PostgreSQL (`--database-url`) through one
//! sqlx `Any` pool: connection settings, write transactions, row locks and the schema
//! migrations of each engine.

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyConnection, AnyPool, Connection, Executor, Row};

use crate::http::error::AppError;

/// A write transaction (see [`Db::write`]).
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Which database the server runs on: the SQL differs in a few places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine behind a connection (the `Any` driver names its backend).
    pub fn of(conn: &AnyConnection) -> Engine {
        if conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME {
            Engine::Postgres
        } else {
            Engine::Sqlite
        }
    }
}

/// How the pool behaves (`--db-pool-size`, `--db-statement-timeout-secs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSettings {
    /// Connections at most, per server instance.
    pub size: u32,
    /// PostgreSQL cancels a statement running longer than this (SQLite has no such limit:
    /// its writers wait at most 5 s for the lock instead).
    pub statement_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            size: 8,
            statement_timeout: Duration::from_secs(10),
        }
    }
}

/// The database as handlers share it (`State<Db>`).
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    engine: Engine,
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
    /// On PostgreSQL the rows a decision reads are locked by the reads themselves
    /// ([`for_update`]).
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

    /// The SQLite file at `path`, created (with its directory) when missing and migrated.
    pub async fn sqlite(path: &Path, settings: PoolSettings) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating the database directory {}", parent.display()))?;
        }
        // The driver takes a URL and percent-decodes its path (`?` and `#` may be in a name).
        let file = std::path::absolute(path)
            .ok()
            .and_then(|abs| url::Url::from_file_path(abs).ok())
            .with_context(|| format!("the database path {} is not a file path", path.display()))?;
        let url = format!("sqlite://{}?mode=rwc", file.path());
        let pool = AnyPoolOptions::new()
            .max_connections(settings.size)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(SQLITE_SETTINGS).await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .with_context(|| format!("opening the database {}", path.display()))?;
        let db = Db {
            pool,
            engine: Engine::Sqlite,
        };
        // WAL is a property of the file: set once, before the pool's connections race.
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode = WAL")
            .fetch_one(db.pool())
            .await?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "SQLite refused WAL mode; continuing");
        }
        db.migrate().await?;
        Ok(db)
    }

    /// The PostgreSQL database at `url` (`postgres://user:password@host/db`), migrated.
    pub async fn postgres(url: &str, settings: PoolSettings) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let shown = redacted(url);
        let options: AnyConnectOptions = url
            .parse()
            .with_context(|| format!("the database URL {shown} is not a PostgreSQL URL"))?;
        let timeout_ms = settings.statement_timeout.as_millis();
        let pool = AnyPoolOptions::new()
            .max_connections(settings.size)
            // A database that is away answers requests with 503 soon, not after 30 s.
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    // Our own integer: no parameter is possible in SET.
                    conn.execute(sqlx::AssertSqlSafe(format!(
                        "SET statement_timeout = {timeout_ms}"
                    )))
                    .await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("cannot reach the database at {shown}"))?;
        let db = Db {
            pool,
            engine: Engine::Postgres,
        };
        db.migrate().await?;
        Ok(db)
    }

    /// Brings the schema up to date, one transaction per migration, each taking the lock
    /// first and reading the version after, so two servers starting on one fresh database
    /// never apply the same migration twice. A database newer than this server is refused.
    async fn migrate(&self) -> anyhow::Result<()> {
        let migrations = match self.engine {
            Engine::Sqlite => SQLITE_MIGRATIONS,
            Engine::Postgres => POSTGRES_MIGRATIONS,
        };
        let known = migrations.len() as i64;
        let mut conn = self.pool.acquire().await?;
        if self.engine == Engine::Postgres {
            // A server starting while another migrates waits as long as that takes (this
            // connection leaves the pool afterwards, so no request inherits the setting).
            conn.execute("SET statement_timeout = 0").await?;
            // Held by this connection until it unlocks (or dies with it).
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *conn)
                .await?;
            conn.execute(
                "CREATE TABLE IF NOT EXISTS quanzi_schema (
                     version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)",
            )
            .await?;
        }
        let result = async {
            loop {
                let mut tx = match self.engine {
                    Engine::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await?,
                    Engine::Postgres => conn.begin().await?,
                };
                let applied: i64 = match self.engine {
                    Engine::Sqlite => sqlx::query_scalar("PRAGMA user_version"),
                    Engine::Postgres => {
                        sqlx::query_scalar("SELECT coalesce(max(version), 0) FROM quanzi_schema")
                    }
                }
                .fetch_one(&mut *tx)
                .await?;
                if applied > known {
                    bail!("the database is at schema version {applied}, newer than this server ({known}); use a newer server");
                }
                let Some((name, sql)) = usize::try_from(applied)
                    .ok()
                    .and_then(|i| migrations.get(i))
                else {
                    return Ok(());
                };
                tx.execute(*sql)
                    .await
                    .with_context(|| format!("applying migration {name}"))?;
                match self.engine {
                    Engine::Sqlite => {
                        // user_version takes no bound parameter; the value is our own integer.
                        tx.execute(sqlx::AssertSqlSafe(format!(
                            "PRAGMA user_version = {}",
                            applied + 1
                        )))
                        .await?;
                    }
                    Engine::Postgres => {
                        sqlx::query(
                            "INSERT INTO quanzi_schema (version, name, applied_ms) VALUES ($1, $2, $3)",
                        )
                        .bind(applied + 1)
                        .bind(*name)
                        .bind(now_ms())
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                tx.commit().await?;
                tracing::info!(migration = name, "applied");
            }
        }
        .await;
        if self.engine == Engine::Postgres {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *conn)
                .await?;
            conn.detach().close().await?;
        }
        result
    }
}

/// The URL without its password, for messages.
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                // Only fails for URLs that cannot have a password, which this one has.
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => String::from("(unparsable URL)"),
    }
}

/// ` FOR UPDATE` on PostgreSQL, nothing on SQLite: appended to the read of a row that a
/// transaction goes on to change, so that on PostgreSQL a concurrent transaction about
/// the same row waits for this one (SQLite's write lock already excludes every other
/// writer, and it has no such clause). Rows are locked in one order everywhere, a group
/// before its orders, an order before its payments, products last, so two transactions
/// never wait for each other.
pub fn for_update(conn: &AnyConnection) -> &'static str {
    match Engine::of(conn) {
        Engine::Postgres => " FOR UPDATE",
        Engine::Sqlite => "",
    }
}

/// ` FOR NO KEY UPDATE` on PostgreSQL, nothing on SQLite: like [`for_update`], for a row
/// that serialises work about it (a pickup point's hand-overs) without changing its key,
/// so rows that refer to it by foreign key can still be inserted meanwhile.
pub fn for_no_key_update(conn: &AnyConnection) -> &'static str {
    match Engine::of(conn) {
        Engine::Postgres => " FOR NO KEY UPDATE",
        Engine::Sqlite => "",
    }
}

/// The future of a piece of work on a borrowed connection (see [`attempt`]).
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Runs `work` in a savepoint of the caller's transaction: kept when it succeeds, undone
/// when it fails (its error is returned), the transaction going on either way.
pub async fn attempt<T, F>(conn: &mut AnyConnection, work: F) -> Result<T, AppError>
where
    F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T, AppError>>,
{
    let mut savepoint = conn.begin().await?;
    let result = work(&mut savepoint).await;
    match result {
        Ok(_) => savepoint.commit().await?,
        Err(_) => savepoint.rollback().await?,
    }
    result
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

/// The advisory lock that one server at a time migrating a PostgreSQL database holds.
const MIGRATION_LOCK: i64 = 0x7175_616e_7a69; // "quanzi"

/// Each engine's schema, one SQL file per version, applied in order; the two lists have
/// the same versions. A database says how many it has: SQLite in its `user_version`,
/// PostgreSQL in the `quanzi_schema` table. Never edit a released file; add the next one.
macro_rules! migrations {
    ($dir:literal: $($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../../migrations/", $dir, $name)))),+]
    };
}

pub const SQLITE_MIGRATIONS: &[(&str, &str)] = migrations!("": "0001_init.sql", "0002_members.sql",
    "0003_avatars.sql", "0004_referrals.sql", "0005_orders.sql", "0006_payment_claims.sql",
    "0007_limits.sql", "0008_checkout.sql", "0009_staff.sql", "0010_catalog.sql", "0011_earnings.sql",
    "0012_together.sql");

pub const POSTGRES_MIGRATIONS: &[(&str, &str)] = migrations!("postgres/": "0001_init.sql",
    "0002_members.sql", "0003_avatars.sql", "0004_referrals.sql", "0005_orders.sql",
    "0006_payment_claims.sql", "0007_limits.sql", "0008_checkout.sql", "0009_staff.sql", "0010_catalog.sql",
    "0011_earnings.sql", "0012_together.sql");

/// The current time as stored: unix milliseconds, UTC.
pub fn now_ms() -> i64 {
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    i64::try_from(nanos / 1_000_000).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn scalar(db: &Db, sql: &'static str) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar(sql).fetch_one(db.pool()).await?)
    }

    async fn run(db: &Db, sql: &'static str) -> Result<u64, sqlx::Error> {
        Ok(db.pool().execute(sql).await?.rows_affected())
    }

    /// A file with the first `versions` migrations applied, and `extra` SQL.
    async fn at_version(path: &Path, versions: usize, extra: &str) -> anyhow::Result<()> {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut conn = <sqlx::SqliteConnection as Connection>::connect(&url).await?;
        for (_, sql) in &SQLITE_MIGRATIONS[..versions] {
            conn.execute(*sql).await?;
        }
        conn.execute(sqlx::AssertSqlSafe(format!(
            "PRAGMA user_version = {versions}; {extra}"
        )))
        .await?;
        conn.close().await?;
        Ok(())
    }

    #[tokio::test]
    async fn migrations_apply_once_and_foreign_keys_hold() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("nested/dir/q.sqlite");
        let db = Db::sqlite(&path, PoolSettings::default()).await?;
        assert_eq!(
            scalar(&db, "PRAGMA user_version").await?,
            SQLITE_MIGRATIONS.len() as i64
        );
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(db.pool())
            .await?;
        assert_eq!(mode, "wal");
        // A post by nobody in no community must be refused.
        let orphan = run(
            &db,
            "INSERT INTO posts (id, author_id, community_id, created_ms, title, body) \
             VALUES (1, 99, 99, 0, 't', '[]')",
        )
        .await;
        assert!(orphan.is_err());
        db.pool().close().await;
        // Reopening an up-to-date database applies nothing and fails on nothing.
        Db::sqlite(&path, PoolSettings::default()).await?;
        Ok(())
    }

    #[test]
    fn both_engines_have_the_same_versions() {
        let names = |list: &[(&'static str, &str)]| list.iter().map(|m| m.0).collect::<Vec<_>>();
        assert_eq!(names(SQLITE_MIGRATIONS), names(POSTGRES_MIGRATIONS));
    }

    #[tokio::test]
    async fn a_v2_database_with_uploads_moves_to_v3() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("q.sqlite");
        at_version(
            &path,
            2,
            "INSERT INTO members (id, name) VALUES (1, 'a');
             INSERT INTO uploads (owner_id, name, width, height, created_ms)
             VALUES (1, 'x.jpg', 1, 1, 0), (1, 'y.jpg', 1, 1, 0);",
        )
        .await?;
        let db = Db::sqlite(&path, PoolSettings::default()).await?;
        // Uploads made before profile pictures existed are nobody's picture.
        assert_eq!(
            scalar(&db, "SELECT count(*) FROM uploads WHERE avatar = 1").await?,
            0
        );
        run(&db, "UPDATE uploads SET avatar = 1 WHERE name = 'x.jpg'").await?;
        // One picture per member.
        assert!(
            run(&db, "UPDATE uploads SET avatar = 1 WHERE name = 'y.jpg'")
                .await
                .is_err()
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_v3_database_moves_to_v4_and_its_members_get_codes() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("q.sqlite");
        at_version(
            &path,
            3,
            "INSERT INTO members (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');",
        )
        .await?;
        let db = Db::sqlite(&path, PoolSettings::default()).await?;
        let backfill = || async { crate::referral::backfill(&db).await.map_err(|e| e.message) };
        assert_eq!(backfill().await, Ok(3));
        assert_eq!(backfill().await, Ok(0));
        assert_eq!(
            scalar(&db, "SELECT count(DISTINCT referral_code) FROM members").await?,
            3
        );
        // Nobody refers themself, and a referral has its time.
        assert!(run(
            &db,
            "UPDATE members SET referred_by = 1, referred_ms = 0 WHERE id = 1"
        )
        .await
        .is_err());
        assert!(run(&db, "UPDATE members SET referred_by = 1 WHERE id = 2")
            .await
            .is_err());
        run(
            &db,
            "UPDATE members SET referred_by = 1, referred_ms = 0 WHERE id = 2",
        )
        .await?;
        // One visit per referrer, visitor and day.
        run(
            &db,
            "INSERT INTO referral_visits (referrer_id, day, visitor, created_ms) VALUES (1, 7, 'v', 0)",
        )
        .await?;
        assert!(run(
            &db,
            "INSERT INTO referral_visits (referrer_id, day, visitor, created_ms) VALUES (1, 7, 'v', 1)",
        )
        .await
        .is_err());
        Ok(())
    }

    #[tokio::test]
    async fn a_file_opens_whatever_its_name() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("a b?c#d%20.sqlite");
        Db::sqlite(&path, PoolSettings::default()).await?;
        // Reopened by its name, the migrated file is found, not a new one made beside it.
        let db = Db::sqlite(&path, PoolSettings::default()).await?;
        assert_eq!(
            scalar(
                &db,
                "SELECT count(*) FROM sqlite_master WHERE name = 'members'"
            )
            .await?,
            1
        );
        assert!(path.exists());
        assert_eq!(
            std::fs::read_dir(dir.path())?
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "sqlite"))
                .count(),
            1
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_newer_database_is_refused() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("q.sqlite");
        at_version(&path, 0, "PRAGMA user_version = 999").await?;
        let err = Db::sqlite(&path, PoolSettings::default())
            .await
            .err()
            .map(|e| format!("{e:#}"));
        assert!(err.is_some_and(|e| e.contains("newer")));
        Ok(())
    }

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redacted("postgres://quanzi:s3cret@db.example:5432/store"),
            "postgres://quanzi:***@db.example:5432/store"
        );
        assert_eq!(redacted("not a url"), "(unparsable URL)");
    }
}
