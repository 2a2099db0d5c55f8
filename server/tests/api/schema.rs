//! The schema at start, on either engine: a fresh database gets every migration once, a
//! restart applies none, and a database migrated by a newer server is refused.

use crate::common;

use common::{app, count, Options};

/// How many migrations the database says it has.
async fn version(app: &common::TestApp) -> i64 {
    if app.db.is_postgres() {
        count(app, "SELECT max(version) FROM quanzi_schema").await
    } else {
        count(app, "PRAGMA user_version").await
    }
}

#[tokio::test]
async fn the_schema_is_migrated_once_and_a_newer_one_is_refused() {
    let app = app().await;
    let known = quanzi_server::storage::db::SQLITE_MIGRATIONS.len() as i64;
    assert_eq!(version(&app).await, known);
    let _restarted = common::start(app.dir.path(), &app.db, Options::default()).await;
    assert_eq!(version(&app).await, known, "a restart applies nothing");

    if app.db.is_postgres() {
        app.exec(
            "INSERT INTO quanzi_schema (version, name, applied_ms) VALUES (99, 'future.sql', 0)",
        )
        .await;
    } else {
        app.exec("PRAGMA user_version = 99").await;
    }
    let refused = common::try_start(app.dir.path(), &app.db, Options::default())
        .await
        .err()
        .map(|e| format!("{e:#}"));
    assert!(
        refused
            .as_deref()
            .is_some_and(|e| e.contains("schema version 99, newer than this server")),
        "{refused:?}"
    );
}
