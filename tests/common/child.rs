//! Child processes for the crash and concurrency tests: the test binary runs
//! itself again with one ignored test selected, and the two processes talk
//! in lines over the child's standard input and output.
//!
//! libtest prints its own lines on standard output as well, and may put
//! "test NAME ... " in front of a line the child writes, so every protocol
//! line starts with [`MARKER`] and the parent reads only what follows it.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::Duration;

/// Prefix of every protocol line a child writes.
pub const MARKER: &str = "@kluis-child ";

/// A running copy of the test binary, killed when dropped.
pub struct ChildProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<String>,
    stdout_thread: Option<JoinHandle<()>>,
    stderr_thread: Option<JoinHandle<String>>,
    /// The test the child runs, for failure messages.
    pub name: String,
}

/// What a child wrote before it ended.
pub struct Ended {
    /// The protocol messages not yet taken with [`ChildProcess::next_message`].
    pub messages: Vec<String>,
    /// Everything the child wrote on standard error.
    pub stderr: String,
    /// Whether the child exited on its own, with status 0.
    pub success: bool,
}

impl ChildProcess {
    /// Starts the test binary running only the ignored test `test_name`,
    /// with `env` added to the environment.
    pub fn spawn(test_name: &str, env: &[(&str, String)]) -> Self {
        let exe = std::env::current_exe().expect("path of the test binary");
        let mut command = Command::new(exe);
        command
            .args([
                test_name,
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|err| panic!("failed to start the child test {test_name}: {err}"));

        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, messages) = mpsc::channel();
        let stdout_thread = std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = Vec::new();
            loop {
                line.clear();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                // A line without its newline was cut off by the kill, so it
                // was never completely sent and does not count.
                if line.last() != Some(&b'\n') {
                    break;
                }
                let text = String::from_utf8_lossy(&line[..line.len() - 1]).into_owned();
                if let Some(start) = text.find(MARKER) {
                    if sender.send(text[start + MARKER.len()..].to_string()).is_err() {
                        break;
                    }
                }
            }
        });
        let mut stderr = child.stderr.take().expect("piped stderr");
        let stderr_thread = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let stdin = child.stdin.take();
        Self {
            child,
            stdin,
            messages,
            stdout_thread: Some(stdout_thread),
            stderr_thread: Some(stderr_thread),
            name: test_name.to_string(),
        }
    }

    /// Returns the next protocol message, or `None` when the child closed its
    /// output or `timeout` passed first.
    pub fn next_message(&mut self, timeout: Duration) -> Option<String> {
        self.messages.recv_timeout(timeout).ok()
    }

    /// Waits for the message `expected`, and panics with the child's
    /// standard error if another message or none comes first.
    #[track_caller]
    pub fn expect_message(&mut self, expected: &str, timeout: Duration) {
        match self.next_message(timeout) {
            Some(message) if message == expected => {}
            other => {
                let name = self.name.clone();
                let ended = self.kill();
                panic!(
                    "child {name}: expected the message {expected:?}, got {other:?}\nstderr:\n{}",
                    ended.stderr
                );
            }
        }
    }

    /// Writes one line to the child's standard input.
    pub fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open until the child ends");
        stdin
            .write_all(format!("{line}\n").as_bytes())
            .and_then(|()| stdin.flush())
            .unwrap_or_else(|err| panic!("failed to write to child {}: {err}", self.name));
    }

    /// Kills the child with SIGKILL (what `Child::kill` sends on Unix),
    /// waits for it, and returns the messages it sent before it died.
    pub fn kill(&mut self) -> Ended {
        let _ = self.child.kill();
        self.collect()
    }

    /// Closes the child's standard input, waits for it to exit, and returns
    /// what it wrote.
    pub fn finish(&mut self) -> Ended {
        self.stdin = None;
        self.collect()
    }

    fn collect(&mut self) -> Ended {
        self.stdin = None;
        let status = self.child.wait().expect("wait for child");
        if let Some(thread) = self.stdout_thread.take() {
            thread.join().expect("stdout reader thread");
        }
        let stderr = match self.stderr_thread.take() {
            Some(thread) => thread.join().expect("stderr reader thread"),
            None => String::new(),
        };
        Ended {
            messages: self.messages.try_iter().collect(),
            stderr,
            success: status.success(),
        }
    }
}

impl Drop for ChildProcess {
    fn drop(&mut self) {
        // A panicking test must not leave children writing to a folder that
        // is being removed.
        if self.stdout_thread.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Writes one protocol line to the parent and flushes it. A line that a kill
/// cuts off lacks its newline, and the parent ignores it. Exits the child
/// when the parent no longer reads.
pub fn say(message: &str) {
    let line = format!("{MARKER}{message}\n");
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(line.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

/// Reads one line the parent sent, without its newline. Returns `None`
/// when the parent closed the child's standard input.
pub fn hear() -> Option<String> {
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim_end_matches('\n').to_string()),
    }
}
