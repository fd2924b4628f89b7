//! Reads criterion's `<group>/<impl>/<n>/new/estimates.json` from one or several criterion
//! directories (one per run of the benchmarks) and writes a Markdown table (the median over runs
//! of each run's median ns per call, ratios matcalc / nalgebra, the run-to-run spread) and an
//! SVG plot (ns per call against n, log–log, one panel per workload). The SVG is written by
//! hand: no plotting crate, no system fonts.
//!
//! usage: bench-report OUT_DIR NOTE CRITERION_DIR...
//!        bench-report --benches      (the bench targets the table reads, for the script)

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// The rows of the table, by bench target (`benches/NAME.rs`) and criterion group, in order.
const BENCHES: [(&str, &[&str]); 5] = [
    ("workloads", &["seed", "lstsq", "gauss", "mlp"]),
    ("second_order", &["logreg-hess", "seed-jac"]),
    (
        "products",
        &[
            "layer-vjp-W",
            "layer-vjp-x",
            "layer-jvp-x",
            "lstsq-hvp",
            "logreg-hvp",
        ],
    ),
    (
        "residuals",
        &["reprojection-2x3-jacobian", "se2-edge-3x3-jacobians"],
    ),
    ("gp", &["gp-nll-grad"]),
];
const IMPLS: [&str; 4] = ["matcalc", "nalgebra-static", "nalgebra-dynamic", "num-dual"];
/// Implementation ids read under another name: `benches/gp.rs` calls its peer `nalgebra`, and
/// it is `DMatrix` code at every n.
const ALIASES: [(&str, &str); 1] = [("nalgebra", "nalgebra-dynamic")];
const COLORS: [&str; 4] = ["#d62728", "#1f77b4", "#2ca02c", "#7f7f7f"];

/// (workload, impl, n) → median ns (one run's, or the median over runs).
type Results = BTreeMap<(String, String, usize), f64>;
/// (workload, impl, n) → each run's median ns.
type Runs = BTreeMap<(String, String, usize), Vec<f64>>;

fn groups() -> impl Iterator<Item = &'static str> {
    BENCHES
        .iter()
        .flat_map(|(_, groups)| groups.iter().copied())
}

/// One criterion directory's medians.
fn read(dir: &Path) -> Results {
    let mut results = Results::new();
    for workload in groups() {
        let Ok(impls) = fs::read_dir(dir.join(workload)) else {
            continue;
        };
        for imp in impls.flatten() {
            let name = imp.file_name().to_string_lossy().into_owned();
            let name = ALIASES
                .iter()
                .find(|(a, _)| *a == name)
                .map_or(name, |(_, b)| b.to_string());
            if !IMPLS.contains(&name.as_str()) {
                continue;
            }
            let Ok(sizes) = fs::read_dir(imp.path()) else {
                continue;
            };
            for size in sizes.flatten() {
                let Ok(n) = size.file_name().to_string_lossy().parse::<usize>() else {
                    continue;
                };
                let Ok(text) = fs::read_to_string(size.path().join("new/estimates.json")) else {
                    continue;
                };
                let json: serde_json::Value = serde_json::from_str(&text).expect("criterion JSON");
                let median = json["median"]["point_estimate"].as_f64().expect("median");
                results.insert((workload.into(), name.clone(), n), median);
            }
        }
    }
    results
}

fn median(xs: &[f64]) -> f64 {
    let mut xs = xs.to_vec();
    xs.sort_by(f64::total_cmp);
    let k = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[k]
    } else {
        (xs[k - 1] + xs[k]) / 2.0
    }
}

/// max / min: 1.00 when every run measured the same.
fn spread(xs: &[f64]) -> f64 {
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
    max / min
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// Per run, matcalc / the faster nalgebra peer of that run (None where either is missing).
fn run_ratios(runs: &Runs, workload: &str, n: usize) -> Option<Vec<f64>> {
    let get = |imp: &str| runs.get(&(workload.to_string(), imp.to_string(), n));
    let m = get("matcalc")?;
    let peers: Vec<&Vec<f64>> = ["nalgebra-static", "nalgebra-dynamic"]
        .iter()
        .filter_map(|imp| get(imp))
        .collect();
    if peers.is_empty() || peers.iter().any(|p| p.len() != m.len()) {
        return None;
    }
    Some(
        (0..m.len())
            .map(|k| m[k] / peers.iter().map(|p| p[k]).fold(f64::INFINITY, f64::min))
            .collect(),
    )
}

fn table(runs: &Runs, note: &str) -> String {
    let n_runs = runs.values().map(Vec::len).max().unwrap_or(0);
    let med = |w: &str, imp: &str, n: usize| {
        runs.get(&(w.to_string(), imp.to_string(), n))
            .map(|v| median(v))
    };
    let mut md = String::new();
    writeln!(md, "# matcalc benchmark results\n").unwrap();
    if !note.is_empty() {
        writeln!(md, "{note}\n").unwrap();
    }
    writeln!(
        md,
        "Time per call (value and derivative), f64: the median over {n_runs} run(s) of criterion's \
         median in each run. Ratios are matcalc / nalgebra (< 1: matcalc faster) and num-dual / \
         matcalc (how many times faster matcalc is than forward-mode autodiff). Spread: max / min \
         over the runs of matcalc's time and of the ratio matcalc / the faster nalgebra peer \
         (1.00: identical runs; compare a change in ratio with it before calling it a \
         regression). `—`: not measured.\n"
    )
    .unwrap();
    writeln!(
        md,
        "| workload | n | matcalc | nalgebra SMatrix | nalgebra DMatrix | num-dual | matcalc/SMatrix | matcalc/DMatrix | num-dual/matcalc | spread matcalc | spread ratio |"
    )
    .unwrap();
    writeln!(
        md,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    .unwrap();
    let mut log_ratios = Vec::new();
    for workload in groups() {
        let sizes: BTreeSet<usize> = runs
            .keys()
            .filter(|(w, _, _)| w == workload)
            .map(|(_, _, n)| *n)
            .collect();
        for n in sizes {
            let cell = |v: Option<f64>| v.map(fmt_ns).unwrap_or_else(|| "—".into());
            let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => format!("{:.2}", a / b),
                _ => "—".into(),
            };
            let (m, s, d, u) = (
                med(workload, "matcalc", n),
                med(workload, "nalgebra-static", n),
                med(workload, "nalgebra-dynamic", n),
                med(workload, "num-dual", n),
            );
            let best = [s, d].into_iter().flatten().reduce(f64::min);
            if let (Some(m), Some(best)) = (m, best) {
                log_ratios.push((m / best).ln());
            }
            let m_spread = runs
                .get(&(workload.to_string(), "matcalc".to_string(), n))
                .map_or("—".into(), |v| format!("{:.2}", spread(v)));
            let r_spread = run_ratios(runs, workload, n)
                .map_or("—".into(), |r| format!("{:.2}", spread(&r)));
            writeln!(
                md,
                "| {workload} | {n} | {} | {} | {} | {} | {} | {} | {} | {m_spread} | {r_spread} |",
                cell(m),
                cell(s),
                cell(d),
                cell(u),
                ratio(m, s),
                ratio(m, d),
                ratio(u, m),
            )
            .unwrap();
        }
    }
    if !log_ratios.is_empty() {
        let geomean = (log_ratios.iter().sum::<f64>() / log_ratios.len() as f64).exp();
        let above = |t: f64| log_ratios.iter().filter(|r| r.exp() > t).count();
        writeln!(
            md,
            "\nGeometric mean of matcalc / the faster nalgebra peer: {geomean:.2} over {} cases \
             ({} above 1.0, {} above 1.1).",
            log_ratios.len(),
            above(1.0),
            above(1.1)
        )
        .unwrap();
    }
    md
}

fn plot(results: &Results) -> String {
    let workloads: Vec<&str> = groups()
        .filter(|w| results.keys().any(|(x, _, _)| x == w))
        .collect();
    let (pw, ph, cols) = (360.0, 260.0, 3usize);
    let rows = workloads.len().div_ceil(cols).max(1);
    let (width, height) = (pw * cols as f64, ph * rows as f64 + 40.0);
    let mut svg = String::new();
    writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">"#
    )
    .unwrap();
    writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#).unwrap();
    // Legend.
    for (k, imp) in IMPLS.iter().enumerate() {
        let x = 20.0 + 180.0 * k as f64;
        writeln!(
            svg,
            r#"<line x1="{x}" y1="20" x2="{}" y2="20" stroke="{}" stroke-width="2.5"/><text x="{}" y="24">{imp}</text>"#,
            x + 24.0,
            COLORS[k],
            x + 30.0
        )
        .unwrap();
    }
    let (lx, ly) = (log10(2.0), log10(200.0)); // x range: n from 2 to 200
    for (p, workload) in workloads.iter().enumerate() {
        let (ox, oy) = (pw * (p % cols) as f64, 40.0 + ph * (p / cols) as f64);
        let (l, r, t, b) = (ox + 55.0, ox + pw - 15.0, oy + 25.0, oy + ph - 35.0);
        let pts: Vec<_> = results
            .iter()
            .filter(|((w, _, _), _)| w == workload)
            .collect();
        let lo = pts
            .iter()
            .map(|(_, v)| log10(**v))
            .fold(f64::INFINITY, f64::min)
            .floor();
        let hi = pts
            .iter()
            .map(|(_, v)| log10(**v))
            .fold(f64::NEG_INFINITY, f64::max)
            .ceil();
        let hi = if hi <= lo { lo + 1.0 } else { hi };
        let sx = |n: f64| l + (log10(n) - lx) / (ly - lx) * (r - l);
        let sy = |v: f64| b - (log10(v) - lo) / (hi - lo) * (b - t);
        writeln!(
            svg,
            r#"<text x="{}" y="{}" font-weight="bold" font-size="13">{workload}</text>"#,
            l,
            oy + 15.0
        )
        .unwrap();
        writeln!(
            svg,
            r##"<rect x="{l}" y="{t}" width="{}" height="{}" fill="none" stroke="#444"/>"##,
            r - l,
            b - t
        )
        .unwrap();
        for e in lo as i32..=hi as i32 {
            let y = sy(10f64.powi(e));
            writeln!(
                svg,
                r##"<line x1="{l}" y1="{y}" x2="{r}" y2="{y}" stroke="#ddd"/><text x="{}" y="{}" text-anchor="end">{}</text>"##,
                l - 4.0,
                y + 4.0,
                fmt_ns(10f64.powi(e))
            )
            .unwrap();
        }
        for n in [3.0, 8.0, 32.0, 128.0] {
            let x = sx(n);
            writeln!(
                svg,
                r##"<line x1="{x}" y1="{t}" x2="{x}" y2="{b}" stroke="#eee"/><text x="{x}" y="{}" text-anchor="middle">{n}</text>"##,
                b + 14.0
            )
            .unwrap();
        }
        writeln!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle">n (time per call, log scale)</text>"#,
            (l + r) / 2.0,
            b + 28.0
        )
        .unwrap();
        for (k, imp) in IMPLS.iter().enumerate() {
            let series: Vec<(f64, f64)> = pts
                .iter()
                .filter(|((_, i, _), _)| i == imp)
                .map(|((_, _, n), v)| (sx(*n as f64), sy(**v)))
                .collect();
            if series.is_empty() {
                continue;
            }
            let path: Vec<String> = series
                .iter()
                .map(|(x, y)| format!("{x:.1},{y:.1}"))
                .collect();
            writeln!(
                svg,
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
                path.join(" "),
                COLORS[k]
            )
            .unwrap();
            for (x, y) in series {
                writeln!(
                    svg,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{}"/>"#,
                    COLORS[k]
                )
                .unwrap();
            }
        }
    }
    svg.push_str("</svg>\n");
    svg
}

fn log10(x: f64) -> f64 {
    x.log10()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--benches") {
        for (bench, _) in BENCHES {
            println!("{bench}");
        }
        return;
    }
    if args.len() < 4 {
        eprintln!("usage: bench-report OUT_DIR NOTE CRITERION_DIR...  |  bench-report --benches");
        std::process::exit(2);
    }
    let mut runs = Runs::new();
    for dir in &args[3..] {
        for (key, ns) in read(Path::new(dir)) {
            runs.entry(key).or_default().push(ns);
        }
    }
    if runs.is_empty() {
        eprintln!("no criterion results under {}", args[3..].join(", "));
        std::process::exit(1);
    }
    let medians: Results = runs.iter().map(|(k, v)| (k.clone(), median(v))).collect();
    let out = Path::new(&args[1]);
    fs::create_dir_all(out).expect("output directory");
    fs::write(out.join("results.md"), table(&runs, &args[2])).expect("results.md");
    fs::write(out.join("plot.svg"), plot(&medians)).expect("plot.svg");
    println!(
        "wrote {} and {}",
        out.join("results.md").display(),
        out.join("plot.svg").display()
    );
}
