//! Counts and classes of a run's records, the summary line CI greps for, and the table of
//! defect classes with one reproducer each.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::corpus::{Corpus, InputId};
use crate::driver::{Record, Verdict};
use crate::engine::Outcome;

/// One class of defect: how often, and the first input that showed it.
pub struct Class {
    pub count: u64,
    pub example: InputId,
    pub mutations: String,
}

#[derive(Default)]
pub struct Report {
    pub inputs: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub not_a_function: u64,
    pub no_attribute: u64,
    pub panics: u64,
    pub invalid_output: u64,
    pub crashes: u64,
    pub hangs: u64,
    /// Seeds the engine does not accept: the corpus is broken.
    pub bad_seeds: u64,
    /// Rejections with at least one error at the call site instead of an input token.
    pub unlocated: u64,
    pub slowest: Option<(u64, InputId)>,
    pub over_100ms: u64,
    pub largest_output: Option<(usize, InputId)>,
    /// Failure classes (fail the run).
    pub defects: BTreeMap<String, Class>,
    /// Weaknesses reported but not failing the run (errors without a location).
    pub warnings: BTreeMap<String, Class>,
}

impl Report {
    pub fn add(&mut self, record: &Record, corpus: &Corpus) {
        self.inputs += 1;
        if self.slowest.is_none_or(|(m, _)| record.micros > m) {
            self.slowest = Some((record.micros, record.id));
        }
        self.over_100ms += u64::from(record.micros > 100_000);
        let class = match &record.verdict {
            Verdict::Hang => {
                self.hangs += 1;
                Some(format!(
                    "hang over the time limit ({})",
                    size_mutations(record.id, corpus)
                ))
            }
            Verdict::Crash(how) => {
                self.crashes += 1;
                Some(format!(
                    "crash: {how} ({})",
                    size_mutations(record.id, corpus)
                ))
            }
            Verdict::Finished(outcome) => self.add_outcome(record, outcome, corpus),
        };
        if let Some(class) = class {
            add_class(&mut self.defects, class, record.id, corpus);
        }
    }

    fn add_outcome(
        &mut self,
        record: &Record,
        outcome: &Outcome,
        corpus: &Corpus,
    ) -> Option<String> {
        if let (InputId::Seed(_), false) = (record.id, matches!(outcome, Outcome::Accepted { .. }))
        {
            self.bad_seeds += 1;
            let what = match outcome {
                Outcome::Rejected { first, .. } => normalise(first),
                other => other.encode(),
            };
            return Some(format!("seed not accepted: {what}"));
        }
        match outcome {
            Outcome::NotAFunction => self.not_a_function += 1,
            Outcome::NoAttribute => self.no_attribute += 1,
            Outcome::Accepted { bytes } => {
                self.accepted += 1;
                if self.largest_output.is_none_or(|(b, _)| *bytes > b) {
                    self.largest_output = Some((*bytes, record.id));
                }
            }
            Outcome::Rejected { unlocated, .. } => {
                self.rejected += 1;
                if let Some(first) = unlocated.first() {
                    self.unlocated += 1;
                    let class = format!("error without a location: {}", normalise(first));
                    add_class(&mut self.warnings, class, record.id, corpus);
                }
            }
            Outcome::Panic {
                stage,
                location,
                message,
            } => {
                self.panics += 1;
                return Some(format!(
                    "panic in {stage} at {location}: {}",
                    normalise(message)
                ));
            }
            Outcome::InvalidOutput { stage, message } => {
                self.invalid_output += 1;
                return Some(format!(
                    "invalid output from {stage}: {}",
                    normalise(message)
                ));
            }
        }
        None
    }

    pub fn failures(&self) -> u64 {
        self.panics + self.invalid_output + self.crashes + self.hangs + self.bad_seeds
    }

    /// The one-line summary (CI logs show it; `--count` runs end with it).
    pub fn summary(&self, seed: u64, seconds: f64) -> String {
        let (slow_us, slow_id) = self.slowest.unwrap_or((0, InputId::Seed(0)));
        format!(
            "matcalc-fuzz summary: seed={seed} inputs={} accepted={} rejected={} (unlocated {}) \
             not_a_function={} no_attribute={} panics={} invalid_output={} crashes={} hangs={} \
             bad_seeds={} slowest={:.1}ms ({slow_id}) over_100ms={} rate={:.0}/s time={:.1}s",
            self.inputs,
            self.accepted,
            self.rejected,
            self.unlocated,
            self.not_a_function,
            self.no_attribute,
            self.panics,
            self.invalid_output,
            self.crashes,
            self.hangs,
            self.bad_seeds,
            slow_us as f64 / 1000.0,
            self.over_100ms,
            self.inputs as f64 / seconds.max(1e-9),
            seconds,
        )
    }

    /// The classes, most frequent first, each with a command that shows its first input.
    pub fn classes(&self) -> String {
        let mut text = String::new();
        for (title, classes) in [("defects", &self.defects), ("warnings", &self.warnings)] {
            if classes.is_empty() {
                continue;
            }
            let _ = writeln!(
                text,
                "{title} by class (count, first input, its mutations):"
            );
            let mut sorted: Vec<_> = classes.iter().collect();
            sorted.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
            for (name, class) in sorted {
                let _ = writeln!(
                    text,
                    "  {:>6}  {:<8} [{}]  {name}",
                    class.count, class.example, class.mutations
                );
            }
        }
        text
    }
}

fn add_class(classes: &mut BTreeMap<String, Class>, name: String, id: InputId, corpus: &Corpus) {
    classes
        .entry(name)
        .and_modify(|c| c.count += 1)
        .or_insert_with(|| Class {
            count: 1,
            example: id,
            mutations: corpus.input(id).mutations.join(" "),
        });
}

/// The size-extreme mutations of a mutant, which usually explain a hang or a crash.
fn size_mutations(id: InputId, corpus: &Corpus) -> String {
    let input = corpus.input(id);
    let mut names: Vec<&str> = input
        .mutations
        .iter()
        .copied()
        .filter(|m| crate::mutate::SIZE_EXTREME.contains(m))
        .collect();
    names.sort_unstable();
    names.dedup();
    match (id, names.is_empty()) {
        (InputId::Mutant(_), true) => "small edits only".into(),
        (InputId::Mutant(_), false) => names.join("+"),
        _ => format!("corpus input {id}"),
    }
}

/// A message with its numbers and quoted code blanked, so that one cause is one class.
fn normalise(message: &str) -> String {
    let mut out = String::new();
    let mut in_quote = false;
    let mut last_digit = false;
    for c in message.chars() {
        if c == '`' {
            in_quote = !in_quote;
            if in_quote {
                out.push_str("`…");
            } else {
                out.push('`');
            }
            continue;
        }
        if in_quote {
            continue;
        }
        if c.is_ascii_digit() {
            if !last_digit {
                out.push('#');
            }
            last_digit = true;
            continue;
        }
        last_digit = false;
        out.push(c);
    }
    out.chars().take(110).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_merges_messages_that_differ_in_numbers_and_code() {
        assert_eq!(
            normalise("index out of bounds: the len is 3 but the index is 17"),
            normalise("index out of bounds: the len is 0 but the index is 4")
        );
        assert_eq!(normalise("unknown `x + y` here"), "unknown `…` here");
    }

    #[test]
    fn panics_and_hangs_fail_the_run_rejections_do_not() {
        let corpus = Corpus::load(1);
        let mut report = Report::default();
        let record = |verdict| Record {
            id: InputId::Mutant(3),
            micros: 10,
            verdict,
        };
        report.add(
            &record(Verdict::Finished(Outcome::Rejected {
                errors: 1,
                first: "shapes".into(),
                unlocated: vec![],
            })),
            &corpus,
        );
        assert_eq!(report.failures(), 0);
        report.add(&record(Verdict::Hang), &corpus);
        report.add(
            &record(Verdict::Finished(Outcome::Panic {
                stage: "engine".into(),
                location: "x.rs:1".into(),
                message: "boom".into(),
            })),
            &corpus,
        );
        assert_eq!((report.hangs, report.panics, report.failures()), (1, 1, 2));
        assert_eq!(report.defects.len(), 2);
        assert!(report.summary(1, 1.0).contains("panics=1"));
    }
}
