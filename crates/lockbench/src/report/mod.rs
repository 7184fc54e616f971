//! The report: one row per lock × workload × threads, and its three renderings.

pub mod json;
pub mod svg;
pub mod table;

use serde::{Deserialize, Serialize};

/// The baseline every ratio is taken against.
pub const BASELINE: &str = "parking_lot";

/// A writer's waits under the read storm, medians over the runs (ns).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WriterWait {
    /// Median wait.
    pub p50_ns: u64,
    /// 99th percentile wait.
    pub p99_ns: u64,
    /// Longest wait.
    pub max_ns: u64,
    /// How many writes the writer got in per run (median): few writes make p99 = max.
    pub writes: u64,
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
