//! The fuzz driver. Modes (all deterministic for a given `--seed`):
//!
//! ```text
//! matcalc-fuzz [--count N] [--first I] [--seed S] [--jobs J] [--timeout-ms T] [--batch B]
//!     the seeds, the regressions, then mutants I..I+N; prints each defect class with its
//!     first input and the summary line; exits 1 on any panic, crash, hang or rejected seed.
//!     CI: `cargo run -p matcalc-fuzz -- --count 10000 --jobs 2` (the dev profile, as cargo
//!     builds proc macros, so stack depth is the macro's); long run:
//!     `cargo run -p matcalc-fuzz --release -- --count 1000000 --first 10000` (faster; finds
//!     panics and hangs, but overflows only at larger depths than the real macro).
//! matcalc-fuzz --show ID            the source of input ID (s3, r0, m12345) and its verdict
//! matcalc-fuzz --write-accepted N DIR
//!     writes the regressions the engine accepts and the first N accepted mutants (distinct
//!     from the seeds) to DIR/<id>.rs, each also without its matcalc attributes to
//!     DIR/<id>_plain.rs
//! matcalc-fuzz --worker KIND FROM TO   internal: the worker process (see driver.rs)
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use matcalc_fuzz::corpus::{Corpus, InputId};
use matcalc_fuzz::driver::{self, Config, Range, Verdict};
use matcalc_fuzz::engine::{self, Outcome};
use matcalc_fuzz::report::Report;
use matcalc_fuzz::tokens;

/// `--write-accepted` skips mutants longer than this or with more generated text: the compile
/// check is about generated code being valid; depth and size are the fuzz run's concern (a
/// deep input can overflow rustc's stack and hide every other result of the check).
const MAX_WRITTEN_TOKENS: usize = 400;
const MAX_WRITTEN_BYTES: usize = 100_000;

struct Args {
    count: u64,
    first: u64,
    seed: u64,
    jobs: usize,
    timeout_ms: u64,
    batch: u64,
    show: Option<InputId>,
    write_accepted: Option<(usize, PathBuf)>,
    worker: Option<(char, u64, u64)>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        count: 10_000,
        first: 0,
        seed: 1,
        jobs: 1,
        timeout_ms: 2000,
        batch: 2000,
        show: None,
        write_accepted: None,
        worker: None,
    };
    let mut it = std::env::args().skip(1);
    let value = |name: &str, it: &mut dyn Iterator<Item = String>| {
        it.next().ok_or_else(|| format!("{name} needs a value"))
    };
    fn number<T: std::str::FromStr>(text: String, name: &str) -> Result<T, String> {
        text.parse()
            .map_err(|_| format!("{name}: `{text}` is not a number"))
    }
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--count" => args.count = number(value(&arg, &mut it)?, &arg)?,
            "--first" => args.first = number(value(&arg, &mut it)?, &arg)?,
            "--seed" => args.seed = number(value(&arg, &mut it)?, &arg)?,
            "--jobs" => args.jobs = number(value(&arg, &mut it)?, &arg)?,
            "--timeout-ms" => args.timeout_ms = number(value(&arg, &mut it)?, &arg)?,
            "--batch" => args.batch = number(value(&arg, &mut it)?, &arg)?,
            "--show" => args.show = Some(value(&arg, &mut it)?.parse()?),
            "--write-accepted" => {
                let n = number(value(&arg, &mut it)?, &arg)?;
                args.write_accepted = Some((n, PathBuf::from(value(&arg, &mut it)?)));
            }
            "--worker" => {
                let kind = value(&arg, &mut it)?.chars().next().unwrap_or('m');
                let from = number(value(&arg, &mut it)?, &arg)?;
                let to = number(value(&arg, &mut it)?, &arg)?;
                args.worker = Some((kind, from, to));
            }
            "--help" | "-h" => {
                return Err(include_str!("main.rs")
                    .lines()
                    .take_while(|l| l.starts_with("//!"))
                    .map(|l| l.trim_start_matches("//!").trim_start_matches(' '))
                    .collect::<Vec<_>>()
                    .join("\n"))
            }
            other => return Err(format!("unknown argument `{other}` (see --help)")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let timeout = Duration::from_millis(args.timeout_ms);
    if let Some((kind, from, to)) = args.worker {
        driver::worker(kind, from, to, args.seed, timeout);
        return ExitCode::SUCCESS;
    }
    let config = Config {
        exe: std::env::current_exe().expect("the fuzz binary's path"),
        seed: args.seed,
        timeout,
        batch: args.batch.max(1),
        jobs: args.jobs.max(1),
    };
    let corpus = Corpus::load(args.seed);
    if let Some(id) = args.show {
        return show(&config, &corpus, id);
    }
    if let Some((n, dir)) = &args.write_accepted {
        return write_accepted(&config, &corpus, args.first, *n, dir);
    }
    fuzz(&config, &corpus, args.first, args.count)
}

fn fuzz(config: &Config, corpus: &Corpus, first: u64, count: u64) -> ExitCode {
    let start = Instant::now();
    let mut report = Report::default();
    let ranges = [
        Range {
            kind: 's',
            from: 0,
            to: corpus.seeds.len() as u64,
        },
        Range {
            kind: 'r',
            from: 0,
            to: corpus.regressions.len() as u64,
        },
        Range {
            kind: 'm',
            from: first,
            to: first + count,
        },
    ];
    for range in ranges {
        driver::run(config, range, |record| report.add(&record, corpus));
    }
    print!("{}", report.classes());
    if report.failures() > 0 {
        // `--show` must run in the same profile: stack depth differs between them.
        let profile = if cfg!(debug_assertions) {
            ""
        } else {
            " --release"
        };
        println!(
            "show an input with: cargo run -p matcalc-fuzz{profile} -- --seed {} --show ID",
            config.seed
        );
    }
    println!(
        "{}",
        report.summary(config.seed, start.elapsed().as_secs_f64())
    );
    if report.failures() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn show(config: &Config, corpus: &Corpus, id: InputId) -> ExitCode {
    let input = corpus.input(id);
    println!(
        "input {id} (seed {}), {} tokens, mutations: {}",
        config.seed,
        input.tokens.len(),
        input.mutations.join(" ")
    );
    println!("{}", input.source());
    let record = driver::run_one(config, id);
    println!(
        "verdict after {:.1} ms: {:?}",
        record.micros as f64 / 1000.0,
        record.verdict
    );
    ExitCode::SUCCESS
}

/// Writes the accepted regressions, then runs mutants from `first` in batches until `n`
/// accepted ones, distinct from the seeds and from each other, are found; each goes to
/// `dir/<id>.rs`.
fn write_accepted(
    config: &Config,
    corpus: &Corpus,
    first: u64,
    n: usize,
    dir: &PathBuf,
) -> ExitCode {
    std::fs::create_dir_all(dir).expect("create the output directory");
    let mut seen: std::collections::HashSet<String> =
        corpus.seeds.iter().map(|s| tokens::render(s)).collect();
    let regressions = Range {
        kind: 'r',
        from: 0,
        to: corpus.regressions.len() as u64,
    };
    let mut regressions_accepted = Vec::new();
    driver::run(config, regressions, |record| {
        let small = corpus.input(record.id).tokens.len() <= MAX_WRITTEN_TOKENS;
        if small && matches!(record.verdict, Verdict::Finished(Outcome::Accepted { .. })) {
            regressions_accepted.push(record.id);
        }
    });
    let mut chosen: Vec<InputId> = Vec::new();
    let mut next = first;
    while chosen.len() < n {
        let range = Range {
            kind: 'm',
            from: next,
            to: next + 500,
        };
        let mut accepted = Vec::new();
        driver::run(config, range, |record| {
            if let Verdict::Finished(Outcome::Accepted { bytes }) = record.verdict {
                if bytes <= MAX_WRITTEN_BYTES {
                    accepted.push(record.id);
                }
            }
        });
        accepted.sort();
        for id in accepted {
            let input = corpus.input(id);
            if input.tokens.len() > MAX_WRITTEN_TOKENS {
                continue;
            }
            if chosen.len() < n && seen.insert(input.source()) {
                chosen.push(id);
            }
        }
        next += 500;
    }
    let written = chosen.len();
    for id in regressions_accepted.iter().chain(&chosen) {
        let input = corpus.input(*id);
        let text = format!(
            "// {id} (seed {}): {}\n{}\n",
            config.seed,
            input.mutations.join(" "),
            input.source()
        );
        std::fs::write(dir.join(format!("{id}.rs")), text).expect("write a mutant");
        let plain = engine::without_matcalc_attributes(&input.source()).expect("accepted: parses");
        std::fs::write(dir.join(format!("{id}_plain.rs")), plain).expect("write a mutant");
    }
    println!(
        "wrote {} accepted regressions and {written} accepted mutants to {}",
        regressions_accepted.len(),
        dir.display()
    );
    ExitCode::SUCCESS
}
