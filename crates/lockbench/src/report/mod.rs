//! The report: one row per lock × workload × threads, and its renderings (text
//! tables, `report.json`, `report.svg`, `report.html`).

pub mod html;
pub mod json;
pub mod svg;
pub mod table;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// The baseline every ratio is taken against.
pub const BASELINE: &str = "parking_lot";

/// A writer's waits under the read storm, pooled over the runs (ns).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WriterWait {
    /// Median wait.
    pub p50_ns: u64,
    /// 99th percentile wait.
    pub p99_ns: u64,
    /// Longest wait.
    pub max_ns: u64,
    /// How many writes the writer got in per run (mean, rounded up: 0 only when it
    /// never got in); few writes make p99 = max.
    pub writes: u64,
}

impl WriterWait {
    /// The percentiles of `waits`, the writer's waits pooled over `runs` runs.
    ///
    /// Pooled rather than per run: an oversubscribed run may let the writer in only a
    /// few times, and a per-run p99 of three samples is just their max.
    pub fn from_histogram(waits: &Histogram<u64>, runs: usize) -> Self {
        let empty = waits.is_empty();
        let at = |q: f64| if empty { 0 } else { waits.value_at_quantile(q) };
        WriterWait {
            p50_ns: at(0.50),
            p99_ns: at(0.99),
            max_ns: if empty { 0 } else { waits.max() },
            writes: waits.len().div_ceil(runs.max(1) as u64),
        }
    }
}

/// One lock × workload × threads point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Lock name.
    pub lock: String,
    /// Workload name.
    pub workload: String,
    /// Threads.
    pub threads: usize,
    /// Median over the runs of the operations per second.
    pub ops_per_sec: f64,
    /// ns per acquire+release pair (latency workloads).
    pub ns_per_op: Option<f64>,
    /// `ops_per_sec` over the baseline's at the same point (for the read storm: the
    /// baseline's writer p99 over this lock's, so > 1 is better either way).
    pub ratio: Option<f64>,
    /// Median Jain's index over the per-thread counts.
    pub jain: f64,
    /// Median slowest/fastest thread share.
    pub min_max_share: f64,
    /// Writer waits (read storm).
    pub writer_wait: Option<WriterWait>,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Where it ran (CPU count, OS).
    pub machine: String,
    /// ms per run.
    pub duration_ms: u64,
    /// Runs per point.
    pub runs: usize,
    /// The rows.
    pub rows: Vec<Row>,
}

impl Report {
    /// The workload names in the order they first appear.
    pub fn workloads(&self) -> Vec<&str> {
        let mut workloads: Vec<&str> = Vec::new();
        for row in &self.rows {
            if !workloads.contains(&row.workload.as_str()) {
                workloads.push(&row.workload);
            }
        }
        workloads
    }

    /// The lock names in the order they first appear.
    pub fn locks(&self) -> Vec<&str> {
        let mut locks: Vec<&str> = Vec::new();
        for row in &self.rows {
            if !locks.contains(&row.lock.as_str()) {
                locks.push(&row.lock);
            }
        }
        locks
    }

    /// Fills each row's `ratio` against the baseline lock's row at the same point.
    pub fn compute_ratios(&mut self) {
        let baseline = self.rows.clone();
        for row in &mut self.rows {
            let base = baseline.iter().find(|b| {
                b.lock == BASELINE && b.workload == row.workload && b.threads == row.threads
            });
            row.ratio = base.and_then(|b| match (&row.writer_wait, &b.writer_wait) {
                // No writes on either side: nothing to compare.
                (Some(mine), Some(theirs)) if mine.writes == 0 || theirs.writes == 0 => None,
                (Some(mine), Some(theirs)) => {
                    Some(theirs.p99_ns as f64 / mine.p99_ns.max(1) as f64)
                }
                _ if b.ops_per_sec > 0.0 => Some(row.ops_per_sec / b.ops_per_sec),
                _ => None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::WriterWait;
    use crate::workloads::new_wait_histogram;

    #[test]
    fn writer_wait_percentiles_from_pooled_histogram() {
        let mut waits = new_wait_histogram();
        for ns in 1..=1000u64 {
            waits.record(ns * 1000).unwrap();
        }
        let wait = WriterWait::from_histogram(&waits, 3);
        // Three significant digits: within 0.1 %.
        assert!(wait.p50_ns.abs_diff(500_000) <= 500, "{wait:?}");
        assert!(wait.p99_ns.abs_diff(990_000) <= 990, "{wait:?}");
        assert!(wait.max_ns.abs_diff(1_000_000) <= 1000, "{wait:?}");
        assert_eq!(wait.writes, 334, "1000 writes over 3 runs, rounded up");
        let none = WriterWait::from_histogram(&new_wait_histogram(), 3);
        assert_eq!(
            (none.p50_ns, none.p99_ns, none.max_ns, none.writes),
            (0, 0, 0, 0)
        );
    }
}
