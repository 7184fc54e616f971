//! The text tables printed at the end: one block per workload, one line per
//! lock × threads; the read storm gets the writer-wait table.

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
    for workload in report.workloads() {
        let rows: Vec<&Row> = report
            .rows
            .iter()
            .filter(|r| r.workload == workload)
            .collect();
        let _ = writeln!(out, "\n== {workload}");
        if rows.iter().any(|r| r.writer_wait.is_some()) {
            render_storm(&mut out, &rows);
        } else {
            render_throughput(&mut out, &rows);
        }
    }
    out
}

/// A throughput block (latency workloads add ns per pair).
fn render_throughput(out: &mut String, rows: &[&Row]) {
    let latency = rows.iter().any(|r| r.ns_per_op.is_some());
    let _ = writeln!(
        out,
        "{:<22} {:>3} {:>9} {:>6} {:>6} {:>7}{}",
        "lock",
        "thr",
        "Mop/s",
        "ratio",
        "jain",
        "min/max",
        if latency { "  ns/pair" } else { "" }
    );
    for row in rows {
        let ns = row
            .ns_per_op
            .map_or(String::new(), |ns| format!("  {ns:>7.1}"));
        let _ = writeln!(
            out,
            "{:<22} {:>3} {:>9.2} {:>6} {:>6.3} {:>7.3}{ns}",
            row.lock,
            row.threads,
            row.ops_per_sec / 1e6,
            ratio(row),
            row.jain,
            row.min_max_share
        );
    }
}

/// The read storm's writer-wait table: one writer's waits, the readers' throughput.
fn render_storm(out: &mut String, rows: &[&Row]) {
    let _ = writeln!(
        out,
        "writer wait (µs) pooled over the runs; writer p99 ratio = {BASELINE}'s writer p99 / this lock's (> 1 = the writer waits less)"
    );
    let _ = writeln!(
        out,
        "{:<22} {:>3} {:>10} {:>10} {:>10} {:>10} {:>16} {:>12} {:>6}",
        "lock",
        "thr",
        "writer p50",
        "writer p99",
        "writer max",
        "writes/run",
        "writer p99 ratio",
        "reader Mop/s",
        "jain"
    );
    for row in rows {
        let Some(wait) = &row.writer_wait else {
            continue;
        };
        let _ = writeln!(
            out,
            "{:<22} {:>3} {:>10.2} {:>10.2} {:>10.1} {:>10} {:>16} {:>12.2} {:>6.3}",
            row.lock,
            row.threads,
            wait.p50_ns as f64 / 1e3,
            wait.p99_ns as f64 / 1e3,
            wait.max_ns as f64 / 1e3,
            wait.writes,
            ratio(row),
            row.ops_per_sec / 1e6,
            row.jain
        );
    }
}

/// The row's ratio to the baseline, or `-` where there is none.
fn ratio(row: &Row) -> String {
    row.ratio.map_or("-".to_string(), |r| format!("{r:.2}"))
}

#[cfg(test)]
mod tests {
    use super::super::{Report, Row, WriterWait};

    fn row(lock: &str, workload: &str, ops: f64, wait: Option<WriterWait>) -> Row {
        Row {
            lock: lock.into(),
            workload: workload.into(),
            threads: 2,
            ops_per_sec: ops,
            ns_per_op: None,
            ratio: None,
            jain: 1.0,
            min_max_share: 1.0,
            writer_wait: wait,
        }
    }

    #[test]
    fn table_shows_mops_and_the_writer_wait_of_every_lock() {
        let wait = |p99_ns| {
            Some(WriterWait {
                p50_ns: 1_500,
                p99_ns,
                max_ns: 90_000,
                writes: 321,
            })
        };
        let mut report = Report {
            machine: "test".into(),
            duration_ms: 5,
            runs: 3,
            rows: vec![
                row("parking_lot", "99-1", 12_345_678.0, None),
                row("PushLock", "99-1", 24_691_356.0, None),
                row("parking_lot", "read-storm", 1e6, wait(20_000)),
                row("PushLock", "read-storm", 2e6, wait(10_000)),
            ],
        };
        report.compute_ratios();
        let text = super::render(&report);
        assert!(text.contains("Mop/s"), "{text}");
        assert!(text.contains("12.35"), "Mop/s with two decimals: {text}");
        assert!(!text.contains("12345678"), "no raw ops/s: {text}");
        assert!(text.contains("writer p99 ratio"), "{text}");
        let storm: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("== read-storm"))
            .filter(|l| l.starts_with("parking_lot") || l.starts_with("PushLock"))
            .collect();
        assert_eq!(storm.len(), 2, "{text}");
        for line in &storm {
            assert!(line.contains("1.50") && line.contains("90.0") && line.contains("321"));
        }
        assert!(
            storm[0].contains("20.00") && storm[0].contains("1.00"),
            "{text}"
        );
        assert!(
            storm[1].contains("10.00") && storm[1].contains("2.00"),
            "{text}"
        );
    }
}
