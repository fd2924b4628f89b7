//! Compiles CasADi's generated C (`generated/*.c`, written by `generate.py`) with
//! `gcc -O3` (or `$CC`) into one static library and sets `cfg(casadi)`, and
//! `cfg(casadi_WORKLOAD_N)` for each file compiled. Without generated
//! files it does nothing, and the bench reports that the peer was skipped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

/// The workloads and sizes `generate.py` writes (`WORKLOAD_N.c`).
const WORKLOADS: [&str; 6] = ["seed", "lstsq", "gauss", "mlp", "seedjac", "seedjacnnz"];
const SIZES: [usize; 3] = [3, 8, 32];

fn main() {
    println!("cargo:rustc-check-cfg=cfg(casadi)");
    for workload in WORKLOADS {
        for n in SIZES {
            println!("cargo:rustc-check-cfg=cfg(casadi_{workload}_{n})");
        }
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rerun-if-env-changed=CC");
    let mut sources: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "c"))
                .collect()
        })
        .unwrap_or_default();
    if sources.is_empty() {
        // Quiet on purpose: every workspace build runs this; the bench says it skipped.
        return;
    }
    sources.sort();
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let cc = env::var("CC").unwrap_or_else(|_| "gcc".into());
    let mut objects = Vec::new();
    for src in &sources {
        println!("cargo:rerun-if-changed={}", src.display());
        let obj = out
            .join(src.file_stem().expect("a file name"))
            .with_extension("o");
        let status = Command::new(&cc)
            .args(["-O3", "-fPIC", "-c"])
            .arg(src)
            .arg("-o")
            .arg(&obj)
            .status()
            .unwrap_or_else(|e| panic!("cannot run {cc}: {e}"));
        assert!(status.success(), "{cc} failed on {}", src.display());
        objects.push(obj);
    }
    let lib = out.join("libcasadi_peer.a");
    let _ = fs::remove_file(&lib);
    let status = Command::new("ar")
        .arg("crs")
        .arg(&lib)
        .args(&objects)
        .status()
        .expect("cannot run ar");
    assert!(status.success(), "ar failed");
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static=casadi_peer");
    println!("cargo:rustc-cfg=casadi");
    // One cfg per compiled file (`casadi_lstsq_32`): the bench times the cases whose C exists,
    // so `generate.py --sizes 32 --workloads lstsq mlp` adds just those at n = 32 (the others
    // take gcc minutes to hours there).
    for src in &sources {
        let stem = src.file_stem().expect("a file name").to_string_lossy();
        println!("cargo:rustc-cfg=casadi_{stem}");
    }
}
