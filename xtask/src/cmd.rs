//! Running tools: with the project's tool folders on PATH, echoing what runs, and
//! optionally reading test counts from the output as it streams by.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub type Result<T = ()> = std::result::Result<T, String>;

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Where cargo builds: CARGO_TARGET_DIR when set (a shared cache), else `./target`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// PATH with the npm tools (wasm-opt, playwright) and cargo's bin folder first, so the build
/// finds the exact tool versions it is pinned to.
pub fn tool_path() -> String {
    let mut dirs = vec![root().join("e2e/node_modules/.bin")];
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    let mut path = std::env::join_paths(dirs)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Ok(existing) = std::env::var("PATH") {
        path.push(':');
        path.push_str(&existing);
    }
    path
}

pub fn command(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(root())
        .env("PATH", tool_path());
    command
}

pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Runs to completion, output straight to the terminal.
pub fn run(mut command: Command) -> Result {
    println!("$ {}", describe(&command));
    let status = command
        .status()
        .map_err(|e| format!("could not start `{}`: {e}", describe(&command)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(&command)))
    }
}

/// The command's stdout as text, or `None` if it cannot run or fails (used to probe tools).
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = command(program, args).stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether this process runs as root (apt installs; PostgreSQL refuses to run as root).
pub fn is_root() -> bool {
    output("id", &["-u"]).is_some_and(|id| id.trim() == "0")
}

/// Tests counted from a runner's closing lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
}

impl Counts {
    /// One check that passed or failed.
    pub fn one(passed: bool) -> Counts {
        Counts {
            passed: u64::from(passed),
            failed: u64::from(!passed),
        }
    }
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

/// Reads `cargo test`'s "test result: ok. 12 passed; 0 failed; …" and Playwright's
/// "  12 passed (3.1s)" / "  1 failed" lines.
pub fn count_line(line: &str) -> Counts {
    let line = line.trim();
    // "12 passed" inside "test result: ok. 12 passed; 0 failed; …".
    let number_before = |word: &str| -> u64 {
        line.split([';', '.'])
            .filter_map(|part| {
                let mut words = part.split_whitespace();
                let n = words.next()?.parse::<u64>().ok()?;
                (words.next()? == word).then_some(n)
            })
            .sum()
    };
    if line.starts_with("test result:") {
        return Counts {
            passed: number_before("passed"),
            failed: number_before("failed"),
        };
    }
    // Playwright's summary lines are a number, a word, and maybe a duration.
    let mut words = line.split_whitespace();
    match (
        words.next().and_then(|n| n.parse::<u64>().ok()),
        words.next(),
    ) {
        (Some(n), Some("passed")) => Counts {
            passed: n,
            failed: 0,
        },
        (Some(n), Some("failed")) => Counts {
            passed: 0,
            failed: n,
        },
        _ => Counts::default(),
    }
}

/// Runs to completion, echoing stdout and counting the tests it reports.
pub fn run_counting(mut command: Command) -> (Result, Counts) {
    println!("$ {}", describe(&command));
    let mut child = match command.stdout(Stdio::piped()).spawn() {
        Ok(child) => child,
        Err(e) => {
            return (
                Err(format!("could not start `{}`: {e}", describe(&command))),
                Counts::default(),
            )
        }
    };
    let mut counts = Counts::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            println!("{line}");
            counts += count_line(&line);
        }
    }
    let result = match child.wait() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`{}` failed ({status})", describe(&command))),
        Err(e) => Err(format!("`{}`: {e}", describe(&command))),
    };
    (result, counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_test_summaries() {
        let line = "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s";
        assert_eq!(
            count_line(line),
            Counts {
                passed: 12,
                failed: 0
            }
        );
        let line = "test result: FAILED. 3 passed; 2 failed; 0 ignored";
        assert_eq!(
            count_line(line),
            Counts {
                passed: 3,
                failed: 2
            }
        );
    }

    #[test]
    fn reads_playwright_summaries() {
        assert_eq!(
            count_line("  14 passed (21.3s)"),
            Counts {
                passed: 14,
                failed: 0
            }
        );
        assert_eq!(
            count_line("  2 failed"),
            Counts {
                passed: 0,
                failed: 2
            }
        );
        assert_eq!(count_line("  1 flaky"), Counts::default());
    }

    #[test]
    fn ignores_other_lines() {
        assert_eq!(count_line("running 12 tests"), Counts::default());
        assert_eq!(count_line("test feed::pages ... ok"), Counts::default());
    }
}
