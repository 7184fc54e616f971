//! The command line: flags, and the lock and workload names as clap value enums (listed
//! in `--help`, matched case-insensitively, rejected with clap's plain error text).

use crate::adapters;
use crate::workloads::WorkloadName;
use clap::builder::PossibleValue;
use clap::{Parser, ValueEnum};
use std::path::PathBuf;
use std::sync::OnceLock;

/// Side-by-side reader/writer lock benchmark: prints the tables, writes report.json,
/// report.svg and report.html.
#[derive(Parser, Debug)]
#[command(version, about)]
pub struct Args {
    /// CI smoke run: 3 ms per run and threads 1,2 (unless given explicitly).
    #[arg(long)]
    pub quick: bool,
    /// Thread counts, comma separated [default: 1,2,8,16].
    #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Vec<u16>,
    /// Workloads (repeatable or comma list, any case) [default: all].
    #[arg(long, value_delimiter = ',', ignore_case = true)]
    pub workload: Vec<WorkloadName>,
    /// Locks (repeatable or comma list, any case) [default: all].
    #[arg(long, value_delimiter = ',', ignore_case = true)]
    pub locks: Vec<LockName>,
    /// Milliseconds per run [default: 30, 3 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub duration: Option<u64>,
    /// Runs per point (the tables show the median).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..))]
    pub runs: u16,
    /// Output folder for report.json, report.svg and report.html [default: target/lockbench].
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// A lock's name as `--locks` takes it: one of [`adapters::all_lock_names`], so a new
/// adapter row is a new value without touching the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockName(pub &'static str);

impl ValueEnum for LockName {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: OnceLock<Vec<LockName>> = OnceLock::new();
        ALL.get_or_init(|| {
            adapters::all_lock_names()
                .into_iter()
                .map(LockName)
                .collect()
        })
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::{Args, LockName};
    use crate::workloads::WorkloadName;
    use clap::{CommandFactory, Parser};

    #[test]
    fn names_parse_in_any_case() {
        let args = Args::try_parse_from([
            "lockbench",
            "--locks",
            "pushlock,PARKING_LOT",
            "--locks",
            "Std::RwLock",
            "--workload",
            "READ-STORM,99-1",
        ])
        .unwrap();
        assert_eq!(
            args.locks,
            [
                LockName("PushLock"),
                LockName("parking_lot"),
                LockName("std::RwLock")
            ]
        );
        assert_eq!(
            args.workload,
            [WorkloadName::ReadStorm, WorkloadName::Mix99To1]
        );
    }

    #[test]
    fn unknown_names_get_a_plain_error_listing_the_known_ones() {
        let error = Args::try_parse_from(["lockbench", "--locks", "nolock"]).unwrap_err();
        let text = error.render().to_string();
        assert!(text.contains("invalid value 'nolock'"), "{text}");
        assert!(
            text.contains("PushLock") && text.contains("parking_lot"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'), "no escape codes: {text}");
        let error = Args::try_parse_from(["lockbench", "--workload", "99-2"]).unwrap_err();
        let text = error.render().to_string();
        assert!(
            text.contains("99-1") && text.contains("read-storm"),
            "{text}"
        );
        let error = Args::try_parse_from(["lockbench", "--threads", "0"]).unwrap_err();
        assert!(error.render().to_string().contains("'0'"));
    }

    #[test]
    fn help_lists_every_lock_and_workload() {
        let help = Args::command().render_long_help().to_string();
        for lock in crate::adapters::all_lock_names() {
            assert!(help.contains(lock), "{lock} missing from --help: {help}");
        }
        assert!(help.contains("read-storm") && help.contains("latency-shared"));
    }
}
