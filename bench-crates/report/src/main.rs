//! Reads criterion's `CRITERION_DIR/<workload>/<impl>/<n>/new/estimates.json` and writes a
//! Markdown table (median ns per call, ratios matcalc / nalgebra) and an SVG plot (ns per call
//! against n, log–log, one panel per workload). The SVG is written by hand: no plotting crate,
//! no system fonts.
//!
//! usage: bench-report CRITERION_DIR OUT_DIR [NOTE]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const WORKLOADS: [&str; 6] = ["seed", "lstsq", "gauss", "mlp", "logreg-hess", "seed-jac"];
const IMPLS: [&str; 4] = ["matcalc", "nalgebra-static", "nalgebra-dynamic", "num-dual"];
const COLORS: [&str; 4] = ["#d62728", "#1f77b4", "#2ca02c", "#7f7f7f"];

/// (workload, impl, n) → median ns.
type Results = BTreeMap<(String, String, usize), f64>;

fn read(dir: &Path) -> Results {
    let mut results = Results::new();
    for workload in WORKLOADS {
        for imp in IMPLS {
            let Ok(sizes) = fs::read_dir(dir.join(workload).join(imp)) else { continue };
            for size in sizes.flatten() {
                let Ok(n) = size.file_name().to_string_lossy().parse::<usize>() else { continue };
                let Ok(text) = fs::read_to_string(size.path().join("new/estimates.json")) else {
                    continue;
                };
                let json: serde_json::Value = serde_json::from_str(&text).expect("criterion JSON");
                let median = json["median"]["point_estimate"].as_f64().expect("median");
                results.insert((workload.into(), imp.into(), n), median);
            }
        }
    }
    results
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

fn table(results: &Results, note: &str) -> String {
    let mut md = String::new();
    writeln!(md, "# matcalc benchmark results\n").unwrap();
    if !note.is_empty() {
        writeln!(md, "{note}\n").unwrap();
    }
    writeln!(
        md,
        "Median time per call (value and derivative), f64. Ratios are matcalc / nalgebra \
         (< 1: matcalc faster) and num-dual / matcalc (how many times faster matcalc is than \
         forward-mode autodiff). `—`: not measured.\n"
    )
    .unwrap();
    writeln!(
        md,
        "| workload | n | matcalc | nalgebra SMatrix | nalgebra DMatrix | num-dual | matcalc/SMatrix | matcalc/DMatrix | num-dual/matcalc |"
    )
    .unwrap();
    writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|").unwrap();
    for workload in WORKLOADS {
        let sizes: std::collections::BTreeSet<usize> = results
            .keys()
            .filter(|(w, _, _)| w == workload)
            .map(|(_, _, n)| *n)
            .collect();
        for n in sizes {
            let get = |imp: &str| results.get(&(workload.to_string(), imp.to_string(), n)).copied();
            let cell = |v: Option<f64>| v.map(fmt_ns).unwrap_or_else(|| "—".into());
            let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => format!("{:.2}", a / b),
                _ => "—".into(),
            };
            let (m, s, d, u) = (
                get("matcalc"),
                get("nalgebra-static"),
                get("nalgebra-dynamic"),
                get("num-dual"),
            );
            writeln!(
                md,
                "| {workload} | {n} | {} | {} | {} | {} | {} | {} | {} |",
                cell(m),
                cell(s),
                cell(d),
                cell(u),
                ratio(m, s),
                ratio(m, d),
                ratio(u, m)
            )
            .unwrap();
        }
    }
    md
}

fn plot(results: &Results) -> String {
    let workloads: Vec<&str> = WORKLOADS
        .iter()
        .copied()
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
        let pts: Vec<_> = results.iter().filter(|((w, _, _), _)| w == workload).collect();
        let lo = pts.iter().map(|(_, v)| log10(**v)).fold(f64::INFINITY, f64::min).floor();
        let hi = pts.iter().map(|(_, v)| log10(**v)).fold(f64::NEG_INFINITY, f64::max).ceil();
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
            let path: Vec<String> = series.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
            writeln!(
                svg,
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
                path.join(" "),
                COLORS[k]
            )
            .unwrap();
            for (x, y) in series {
                writeln!(svg, r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{}"/>"#, COLORS[k])
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
    if args.len() < 3 {
        eprintln!("usage: bench-report CRITERION_DIR OUT_DIR [NOTE]");
        std::process::exit(2);
    }
    let results = read(Path::new(&args[1]));
    if results.is_empty() {
        eprintln!("no criterion results under {}", args[1]);
        std::process::exit(1);
    }
    let out = Path::new(&args[2]);
    fs::create_dir_all(out).expect("output directory");
    let note = args.get(3).cloned().unwrap_or_default();
    fs::write(out.join("results.md"), table(&results, &note)).expect("results.md");
    fs::write(out.join("plot.svg"), plot(&results)).expect("plot.svg");
    println!("wrote {} and {}", out.join("results.md").display(), out.join("plot.svg").display());
}
