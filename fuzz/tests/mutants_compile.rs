//! Accepted mutants through the real macro: the engine accepting an input is a promise that
//! the generated code compiles. This writes the seeds, the regressions the engine accepts and
//! the first 50 accepted mutants (fuzz seed 1) into a scratch crate that depends on matcalc by path, each mutant also as a plain
//! twin without its matcalc attributes, runs one `cargo check --offline`, and fails on any error
//! of a mutant that its twin does not have (the twin's errors are the user's, e.g. an unknown
//! attribute; the others come from the macro), naming the mutant, its mutations and source.
//! The scratch crate and its target directory persist under the test's tmp directory, so later
//! runs only re-check the changed modules. `MATCALC_MUTANTS=N` and `MATCALC_FUZZ_SEED=S` draw a
//! larger or different sample (e.g. for a long local run).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).map_or(default, |v| v.parse().expect("a number"))
}

#[test]
fn accepted_mutants_compile_through_the_macro() {
    let mutants = setting("MATCALC_MUTANTS", 50);
    let seed = setting("MATCALC_FUZZ_SEED", 1);
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mutants-compile");
    let src = scratch.join("src");
    let _ = fs::remove_dir_all(&src);
    fs::create_dir_all(&src).unwrap();

    let written = scratch.join("accepted");
    let _ = fs::remove_dir_all(&written);
    let status = Command::new(env!("CARGO_BIN_EXE_matcalc-fuzz"))
        .args(["--seed", &seed.to_string()])
        .args(["--write-accepted", &mutants.to_string()])
        .arg(&written)
        .status()
        .unwrap();
    assert!(status.success(), "matcalc-fuzz --write-accepted failed");

    let manifest = format!(
        "[package]\nname = \"matcalc-mutants\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n[dependencies]\nmatcalc = {{ path = {:?}, default-features = false, \
         features = [\"std\"] }}\n\n[workspace]\n",
        workspace.display().to_string()
    );
    fs::write(scratch.join("Cargo.toml"), manifest).unwrap();
    // The workspace's lock file pins the same dependency versions, so `--offline` resolves.
    fs::copy(workspace.join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();

    let mut modules = vec!["seeds".to_string()];
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds.rs"),
        src.join("seeds.rs"),
    )
    .unwrap();
    let mut sources = BTreeMap::new();
    for entry in fs::read_dir(&written).unwrap() {
        let path = entry.unwrap().path();
        let id = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = fs::read_to_string(&path).unwrap();
        fs::write(
            src.join(format!("{id}.rs")),
            format!("use matcalc::prelude::*;\n{text}"),
        )
        .unwrap();
        if !id.ends_with("_plain") {
            sources.insert(id.clone(), text);
        }
        modules.push(id);
    }
    let mutant_count = sources.keys().filter(|id| id.starts_with('m')).count();
    assert_eq!(mutant_count, mutants, "fewer accepted mutants than asked");
    let lib: String = modules.iter().map(|m| format!("mod {m};\n")).collect();
    fs::write(
        src.join("lib.rs"),
        format!("#![allow(warnings)]\n#![allow(non_snake_case)]\n{lib}"),
    )
    .unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--offline", "--quiet", "--message-format=short"])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);

    // `src/m123.rs:4:7: error[E0428]: ...` → the errors of each module.
    let mut all: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for line in stderr.lines().filter(|l| l.contains(": error")) {
        let module = line
            .strip_prefix("src/")
            .and_then(|rest| rest.split_once(".rs:"))
            .map_or("(no file)".to_string(), |(m, _)| m.to_string());
        all.entry(module).or_default().push(line);
    }
    // An error is the macro's unless the twin has the same one (same text after the position).
    let message = |line: &str| {
        line.split_once(": error")
            .map_or("", |(_, m)| m)
            .to_string()
    };
    let mut errors: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut users = 0;
    for (module, lines) in &all {
        if module.ends_with("_plain") {
            continue;
        }
        let mut twin: Vec<String> = all
            .get(&format!("{module}_plain"))
            .map_or(Vec::new(), |t| t.iter().map(|l| message(l)).collect());
        for line in lines {
            match twin.iter().position(|t| *t == message(line)) {
                Some(i) => {
                    twin.remove(i);
                    users += 1;
                }
                None => errors.entry(module.clone()).or_default().push(line),
            }
        }
    }
    let mut report = String::new();
    for (module, lines) in &errors {
        report.push_str(&format!("\n== {module}: {} error(s)\n", lines.len()));
        for line in lines.iter().take(5) {
            report.push_str(&format!("  {line}\n"));
        }
        if let Some(text) = sources.get(module) {
            report.push_str(&text.chars().take(1500).collect::<String>());
            report.push('\n');
        }
    }
    println!(
        "mutants-compile summary: seeds, {} accepted regressions and {mutant_count} accepted \
         mutants; failing={} (errors of the user's own code, also in the plain twin: {users})",
        sources.len() - mutant_count,
        errors.len()
    );
    // The plain twins are the user's code without the macro: where the DSL goes beyond plain
    // Rust (a scalar added to a matrix, say) they fail to compile and the build fails with them.
    // The build must then have failed only in plain twins.
    // (Every other error either matched a twin's or is in `errors`.)
    let only_plain_twins_failed = all.keys().any(|m| m.ends_with("_plain"));
    assert!(
        (output.status.success() || only_plain_twins_failed) && errors.is_empty(),
        "{} of {} accepted inputs fail to compile (crate in {}):{report}\n{}",
        errors.len(),
        sources.len() + 1,
        scratch.display(),
        if errors.is_empty() {
            stderr.as_ref()
        } else {
            ""
        }
    );
}
