//! A `liaison watch` or `liaison serve` process for tests: its output lines arrive on a channel
//! so a test can wait for each rebuild; the process is killed when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

pub struct Running {
    child: Child,
    lines: Receiver<String>,
    pub seen: Vec<String>,
}

impl Running {
    pub fn start(root: &std::path::Path, args: &[&str]) -> Running {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("liaison"))
            .args(args)
            .arg("--root")
            .arg(root)
            .env_remove("SOURCE_DATE_EPOCH")
            // The tests read the log lines in English; tests/guide.rs sees the Chinese ones.
            .env("LIAISON_LANG", "en")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start liaison");
        let (tx, rx) = channel();
        for stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        let mut r = Running { child, lines: rx, seen: Vec::new() };
        r.wait_for("Watching ");
        r
    }

    /// Waits for a line containing `needle` and returns it.
    pub fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(100)) {
                self.seen.push(line.clone());
                if line.contains(needle) {
                    return line;
                }
            }
        }
        panic!("no line with {needle:?} within 30 s; saw:\n{}", self.seen.join("\n"));
    }

    /// Waits for the outcome of the next rebuild: `Ok(line)` or `Err(error text)`.
    pub fn next_build(&mut self) -> Result<String, String> {
        let mut error = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(100)) {
                self.seen.push(line.clone());
                if line.starts_with("Rebuilt (") {
                    return Ok(line);
                }
                if line.starts_with("Build failed (") {
                    return Err(error.join("\n"));
                }
                error.push(line);
            }
        }
        panic!("no rebuild within 30 s; saw:\n{}", self.seen.join("\n"));
    }

    /// Lets the file watcher settle, then collects any line that arrives (none expected).
    pub fn quiet_for(&mut self, ms: u64) -> Vec<String> {
        let mut got = Vec::new();
        let deadline = Instant::now() + Duration::from_millis(ms);
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(20)) {
                got.push(line);
            }
        }
        got
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
