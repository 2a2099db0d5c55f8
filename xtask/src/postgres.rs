//! A throwaway PostgreSQL 15 cluster for the tests: `initdb` into a fresh folder in the
//! system's temporary directory (a checkout under a private home would be out of the
//! `postgres` user's reach) on a free loopback port, started with `pg_ctl` and stopped, its
//! folder removed, when the [`Cluster`] is dropped. PostgreSQL refuses to run as root, so
//! as root the server runs as the `postgres` user Debian's package creates; the clients
//! (`createdb`, the tests) connect over TCP as anyone.

use std::path::{Path, PathBuf};

use crate::cmd::{self, command, is_root, Result};
use crate::server::free_port;

/// Debian's PostgreSQL 15 (package `postgresql-15`).
pub const BIN_DIR: &str = "/usr/lib/postgresql/15/bin";
/// The superuser, and the database the tests start from.
const USER: &str = "quanzi";

pub struct Cluster {
    dir: PathBuf,
    port: u16,
    /// Who runs the server: `postgres` when we are root, else ourselves.
    owner: Option<&'static str>,
}

impl Cluster {
    /// A fresh cluster, started, with an empty database `quanzi` owned by `quanzi`.
    pub fn start() -> Result<Cluster> {
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("quanzi-postgres-{port}"));
        let owner = is_root().then_some("postgres");
        // Whatever a killed run left at this port's folder is stale.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        if let Some(user) = owner {
            cmd::run(command("chown", &[user, &path(&dir)?]))?;
        }
        let cluster = Cluster { dir, port, owner };
        let data = path(&cluster.dir.join("data"))?;
        cluster.as_owner(
            "initdb",
            &["-D", &data, "-U", USER, "-A", "trust", "--no-sync"],
        )?;
        // Durability is not what a throwaway cluster is for: fsync off keeps tests quick.
        // Each test's servers keep a pool, and tests run side by side: room for them all.
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
            path(&cluster.dir)?
        );
        let log = path(&cluster.dir.join("server.log"))?;
        cluster.as_owner(
            "pg_ctl",
            &["-D", &data, "-l", &log, "-o", &options, "-w", "start"],
        )?;
        cluster.database(USER)?;
        Ok(cluster)
    }

    /// `postgres://quanzi@127.0.0.1:<port>/quanzi`.
    pub fn url(&self) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{USER}", self.port)
    }

    /// A new empty database `name` (letters, digits, `_`); its URL.
    pub fn database(&self, name: &str) -> Result<String> {
        let createdb = format!("{BIN_DIR}/createdb");
        let port = self.port.to_string();
        cmd::run(command(
            &createdb,
            &["-h", "127.0.0.1", "-p", &port, "-U", USER, name],
        ))?;
        Ok(format!("postgres://{USER}@127.0.0.1:{}/{name}", self.port))
    }

    fn as_owner(&self, tool: &str, args: &[&str]) -> Result {
        let program = format!("{BIN_DIR}/{tool}");
        match self.owner {
            Some(user) => {
                let mut all = vec!["-u", user, "--", program.as_str()];
                all.extend_from_slice(args);
                cmd::run(command("runuser", &all))
            }
            None => cmd::run(command(&program, args)),
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Ok(data) = path(&self.dir.join("data")) {
            if let Err(err) = self.as_owner("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"]) {
                eprintln!("warning: stopping the test PostgreSQL: {err}");
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn path(p: &Path) -> Result<String> {
    p.to_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{} is not UTF-8", p.display()))
}
