//! The text table printed at the end.

use super::Report;
use std::fmt::Write;

/// The report as an aligned text table.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<22} {:<18} {:>3} {:>14} {:>7} {:>6} {:>7} {:>30}",
        "lock",
        "workload",
        "thr",
        "ops/s (median)",
        "vs pl",
        "jain",
        "min/max",
        "ns/op | writer p50/p99/max µs (writes)"
    );
    for row in &report.rows {
        let ratio = row.ratio.map_or("-".to_string(), |r| format!("{r:.2}"));
        let extra = match (&row.ns_per_op, &row.writer_wait) {
            (Some(ns), _) => format!("{ns:.1} ns"),
            (_, Some(w)) => format!(
                "{:.1}/{:.1}/{:.1} ({})",
                w.p50_ns as f64 / 1e3,
                w.p99_ns as f64 / 1e3,
                w.max_ns as f64 / 1e3,
                w.writes
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "{:<22} {:<18} {:>3} {:>14.0} {:>7} {:>6.3} {:>7.3} {:>30}",
            row.lock,
            row.workload,
            row.threads,
            row.ops_per_sec,
            ratio,
            row.jain,
            row.min_max_share,
            extra
        );
    }
    out
}
