//! Runs inputs in worker processes (the fuzz binary re-executed with `--worker`), so that what
//! `catch_unwind` cannot catch is still pinned to one input: a stack overflow or abort kills
//! the worker after it announced the input (`S id`), a hang makes the worker report `T id` and
//! exit. Either way the driver records that input and starts a new worker after it.
//!
//! Worker protocol, one line each on stdout: `S id` (starting), `R id micros outcome`
//! (finished; outcome as `Outcome::encode`), `T id millis` (over the time limit; the worker
//! exits right after).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::corpus::{Corpus, InputId};
use crate::engine::{self, Outcome};

/// rustc runs proc macros on its main thread, which has 8 MiB of stack; the worker gives each
/// input the same, so a depth that overflows here overflows in the compiler too.
const RUSTC_STACK: usize = 8 << 20;

#[derive(Clone)]
pub struct Config {
    /// The matcalc-fuzz binary, re-executed as the worker.
    pub exe: PathBuf,
    pub seed: u64,
    pub timeout: Duration,
    /// Inputs per worker process.
    pub batch: u64,
    pub jobs: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Finished(Outcome),
    /// Still running at the time limit.
    Hang,
    /// The worker died while running this input: how (signal, status, last stderr line).
    Crash(String),
}

#[derive(Clone, Debug)]
pub struct Record {
    pub id: InputId,
    pub micros: u64,
    pub verdict: Verdict,
}

/// A range of inputs of one kind: seeds, regressions or mutants `from..to`.
#[derive(Clone, Copy, Debug)]
pub struct Range {
    pub kind: char,
    pub from: u64,
    pub to: u64,
}

impl Range {
    fn id(&self, n: u64) -> InputId {
        match self.kind {
            's' => InputId::Seed(n as usize),
            'r' => InputId::Regression(n as usize),
            _ => InputId::Mutant(n),
        }
    }
}

fn index(id: InputId) -> u64 {
    match id {
        InputId::Seed(i) | InputId::Regression(i) => i as u64,
        InputId::Mutant(i) => i,
    }
}

/// Runs `range` in `config.jobs` parallel chains of workers, calling `record` for every input
/// (in completion order).
pub fn run(config: &Config, range: Range, mut record: impl FnMut(Record)) {
    let jobs = config.jobs.max(1) as u64;
    let span = range.to.saturating_sub(range.from);
    let chunk = span.div_ceil(jobs).max(1);
    let (sender, receiver) = mpsc::channel();
    let mut handles = Vec::new();
    let mut from = range.from;
    while from < range.to {
        let to = (from + chunk).min(range.to);
        let (config, sender) = (config.clone(), sender.clone());
        let part = Range { from, to, ..range };
        handles.push(thread::spawn(move || run_chain(&config, part, &sender)));
        from = to;
    }
    drop(sender);
    for r in receiver {
        record(r);
    }
    for handle in handles {
        handle.join().expect("driver thread");
    }
}

/// One chain: workers one after the other until the range is done.
fn run_chain(config: &Config, range: Range, out: &mpsc::Sender<Record>) {
    let mut next = range.from;
    while next < range.to {
        let to = (next + config.batch).min(range.to);
        let mut child = Command::new(&config.exe)
            .args(["--worker", &range.kind.to_string()])
            .args([next.to_string(), to.to_string()])
            .args(["--seed", &config.seed.to_string()])
            .args(["--timeout-ms", &config.timeout.as_millis().to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start a fuzz worker");
        let mut stderr = child.stderr.take().expect("piped");
        let stderr_reader = thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let mut started: Option<(u64, Instant)> = None;
        let mut resume = to;
        for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
            let Ok(line) = line else { break };
            let mut parts = line.splitn(4, ' ');
            let (tag, n) = (
                parts.next(),
                parts.next().and_then(|n| n.parse::<u64>().ok()),
            );
            let Some(n) = n else { continue };
            match tag {
                Some("S") => started = Some((n, Instant::now())),
                Some("R") => {
                    let micros = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
                    let outcome = parts.next().and_then(Outcome::decode).unwrap_or_else(|| {
                        Outcome::InvalidOutput {
                            stage: "worker".into(),
                            message: format!("unreadable worker line: {line}"),
                        }
                    });
                    started = None;
                    let verdict = Verdict::Finished(outcome);
                    let _ = out.send(Record {
                        id: range.id(n),
                        micros,
                        verdict,
                    });
                }
                Some("T") => {
                    started = None;
                    resume = n + 1;
                    let micros = config.timeout.as_micros() as u64;
                    let verdict = Verdict::Hang;
                    let _ = out.send(Record {
                        id: range.id(n),
                        micros,
                        verdict,
                    });
                }
                _ => {}
            }
        }
        let status = child.wait().expect("worker status");
        let stderr_text = stderr_reader.join().unwrap_or_default();
        if let Some((n, since)) = started {
            let micros = since.elapsed().as_micros() as u64;
            let verdict = Verdict::Crash(describe_death(&status, &stderr_text));
            let _ = out.send(Record {
                id: range.id(n),
                micros,
                verdict,
            });
            resume = n + 1;
        } else if !status.success() && resume == to {
            panic!("a fuzz worker failed outside any input ({status}): {stderr_text}");
        }
        next = resume;
    }
}

fn describe_death(status: &std::process::ExitStatus, stderr: &str) -> String {
    #[cfg(unix)]
    let signal = std::os::unix::process::ExitStatusExt::signal(status);
    #[cfg(not(unix))]
    let signal: Option<i32> = None;
    let how = match signal {
        Some(11) => "SIGSEGV".to_string(),
        Some(6) => "SIGABRT".to_string(),
        Some(9) => "SIGKILL (out of memory?)".to_string(),
        Some(s) => format!("signal {s}"),
        None => format!("exit status {}", status.code().unwrap_or(-1)),
    };
    if stderr.contains("has overflowed its stack") {
        format!("stack overflow ({how})")
    } else if stderr.contains("memory allocation") {
        format!("out of memory ({how})")
    } else {
        let last = stderr.lines().last().unwrap_or("").trim();
        format!("{how}: {}", last.chars().take(100).collect::<String>())
    }
}

/// The worker: runs inputs `from..to` of `kind`, each on a fresh thread with rustc's stack
/// size, and reports on stdout. Exits after the first hang (that thread cannot be stopped).
pub fn worker(kind: char, from: u64, to: u64, seed: u64, timeout: Duration) {
    engine::silence_panics();
    let corpus = Corpus::load(seed);
    let range = Range { kind, from, to };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for n in from..to {
        let id = range.id(n);
        let source = corpus.input(id).source();
        writeln!(out, "S {n}")
            .and_then(|_| out.flush())
            .expect("stdout");
        let (sender, receiver) = mpsc::channel();
        let start = Instant::now();
        thread::Builder::new()
            .stack_size(RUSTC_STACK)
            .spawn(move || {
                let outcome = engine::run(&source);
                let _ = sender.send(outcome);
            })
            .expect("spawn input thread");
        match receiver.recv_timeout(timeout) {
            Ok(outcome) => {
                let micros = start.elapsed().as_micros();
                writeln!(out, "R {n} {micros} {}", outcome.encode()).expect("stdout");
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let millis = start.elapsed().as_millis();
                writeln!(out, "T {n} {millis}")
                    .and_then(|_| out.flush())
                    .expect("stdout");
                // The input's thread is still running; leaving the process ends it.
                std::process::exit(0);
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => unreachable!("engine::run catches"),
        }
    }
    out.flush().expect("stdout");
}

/// Runs one input (any kind) in a worker and returns its record.
pub fn run_one(config: &Config, id: InputId) -> Record {
    let kind = match id {
        InputId::Seed(_) => 's',
        InputId::Regression(_) => 'r',
        InputId::Mutant(_) => 'm',
    };
    let n = index(id);
    let mut found = None;
    let single = Config {
        jobs: 1,
        ..config.clone()
    };
    run(
        &single,
        Range {
            kind,
            from: n,
            to: n + 1,
        },
        |r| found = Some(r),
    );
    found.expect("the worker reports every input")
}
