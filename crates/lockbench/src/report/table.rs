//! The text table printed at the end: one block per workload, one line per
//! lock × threads.

use super::{BASELINE, Report, Row};
use std::fmt::Write;

/// The report as aligned text, a block per workload.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "lockbench: {}, {} ms per run, median of {} runs; ratio = vs {BASELINE} at the same point",
        report.machine, report.duration_ms, report.runs
    );
    let mut workloads: Vec<&str> = Vec::new();
    for row in &report.rows {
        if !workloads.contains(&row.workload.as_str()) {
            workloads.push(&row.workload);
        }
    }
    for workload in workloads {
        let rows: Vec<&Row> = report
            .rows
            .iter()
            .filter(|r| r.workload == workload)
            .collect();
        let latency = rows.iter().any(|r| r.ns_per_op.is_some());
        let storm = rows.iter().any(|r| r.writer_wait.is_some());
        let _ = writeln!(out, "\n== {workload}");
        let extra = if latency {
            "ns/pair"
        } else if storm {
            "writer wait p50 / p99 / max (µs), writes per run"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{:<22} {:>3} {:>14} {:>7} {:>6} {:>7}  {extra}",
            "lock", "thr", "ops/s", "ratio", "jain", "min/max"
        );
        for row in rows {
            let ratio = row.ratio.map_or("-".to_string(), |r| format!("{r:.2}"));
            let extra = match (&row.ns_per_op, &row.writer_wait) {
                (Some(ns), _) => format!("{ns:.1}"),
                (_, Some(w)) => format!(
                    "{:.2} / {:.2} / {:.1}, {}",
                    w.p50_ns as f64 / 1e3,
                    w.p99_ns as f64 / 1e3,
                    w.max_ns as f64 / 1e3,
                    w.writes
                ),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "{:<22} {:>3} {:>14.0} {:>7} {:>6.3} {:>7.3}  {extra}",
                row.lock, row.threads, row.ops_per_sec, ratio, row.jain, row.min_max_share
            );
        }
    }
    out
}
