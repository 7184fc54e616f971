//! `report.json`.

use super::Report;
use std::path::Path;

/// Writes the report as pretty JSON.
pub fn write(report: &Report, path: &Path) -> std::io::Result<()> {
    std::fs::write(path, to_string(report))
}

/// The report as pretty JSON.
pub fn to_string(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("a report always serialises")
}

#[cfg(test)]
mod tests {
    use super::super::{Report, Row, WriterWait};

    #[test]
    fn json_round_trips() {
        let mut report = Report {
            machine: "test".into(),
            duration_ms: 5,
            runs: 5,
            rows: vec![
                Row {
                    lock: "parking_lot".into(),
                    workload: "read-storm".into(),
                    threads: 2,
                    ops_per_sec: 10.0,
                    ns_per_op: None,
                    ratio: None,
                    jain: 1.0,
                    min_max_share: 1.0,
                    writer_wait: Some(WriterWait {
                        p50_ns: 1,
                        p99_ns: 20,
                        max_ns: 30,
                        writes: 9,
                    }),
                },
                Row {
                    lock: "PushLock".into(),
                    workload: "read-storm".into(),
                    threads: 2,
                    ops_per_sec: 20.0,
                    ns_per_op: Some(1.5),
                    ratio: None,
                    jain: 0.5,
                    min_max_share: 0.1,
                    writer_wait: Some(WriterWait {
                        p50_ns: 1,
                        p99_ns: 10,
                        max_ns: 30,
                        writes: 9,
                    }),
                },
            ],
        };
        report.compute_ratios();
        assert_eq!(report.rows[1].ratio, Some(2.0));
        let text = super::to_string(&report);
        let back: Report = serde_json::from_str(&text).unwrap();
        assert_eq!(back, report);
    }
}
