//! lockbench: the side-by-side reader/writer lock benchmark. See `docs/lockbench.md`.

mod adapters;
mod cli;
mod report;
mod stats;
mod workloads;

use clap::{Parser, ValueEnum};
use cli::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use report::{Report, Row, WriterWait};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use workloads::{Sample, Workload, WorkloadName};

/// One point of the sweep.
struct Point {
    lock: &'static str,
    name: &'static str,
    workload: Workload,
    threads: usize,
    samples: Vec<Sample>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("lockbench: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The sweep, the tables and the report files.
fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let threads: Vec<usize> = if !args.threads.is_empty() {
        args.threads.iter().map(|&t| usize::from(t)).collect()
    } else if args.quick {
        vec![1, 2]
    } else {
        vec![1, 2, 8, 16]
    };
    let runs = usize::from(args.runs);
    let duration_ms = args.duration.unwrap_or(if args.quick { 3 } else { 30 });
    let locks: Vec<&'static str> = adapters::all_lock_names()
        .into_iter()
        .filter(|l| args.locks.is_empty() || args.locks.iter().any(|a| a.0 == *l))
        .collect();
    let mut points = Vec::new();
    for &name in WorkloadName::value_variants() {
        if !args.workload.is_empty() && !args.workload.contains(&name) {
            continue;
        }
        let workload = name.workload();
        let thread_counts: Vec<usize> = if workload.single_threaded() {
            vec![1]
        } else if workload == Workload::ReadStorm {
            threads.iter().copied().filter(|&t| t >= 2).collect()
        } else {
            threads.clone()
        };
        for threads in thread_counts {
            for &lock in &locks {
                points.push(Point {
                    lock,
                    name: name.as_str(),
                    workload,
                    threads,
                    samples: Vec::new(),
                });
            }
        }
    }
    let duration = Duration::from_millis(duration_ms);
    let progress = ProgressBar::with_draw_target(
        Some((points.len() * runs) as u64),
        ProgressDrawTarget::stderr(),
    );
    progress.set_style(ProgressStyle::with_template(
        "{bar:40} {pos}/{len} {msg} (eta {eta})",
    )?);
    // Interleaved: run 1 of every lock and point, then run 2, ...
    for run in 0..runs {
        for point in &mut points {
            progress.set_message(format!(
                "run {} {} {} x{}",
                run + 1,
                point.lock,
                point.name,
                point.threads
            ));
            let sample = with_lock!(point.lock, L => workloads::measure::<L>(point.workload, point.threads, duration));
            point.samples.push(sample);
            progress.inc(1);
        }
    }
    progress.finish_and_clear();

    let mut report = Report {
        machine: format!(
            "{} CPUs, {} {}",
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            std::env::consts::OS,
            std::env::consts::ARCH
        ),
        duration_ms,
        runs,
        rows: points.iter().map(summarise).collect(),
    };
    report.compute_ratios();
    print!("{}", report::table::render(&report));

    let out =
        args.out.unwrap_or_else(|| {
            PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| {
                concat!(env!("CARGO_MANIFEST_DIR"), "/../../target").to_string()
            }))
            .join("lockbench")
        });
    std::fs::create_dir_all(&out)?;
    let out = std::fs::canonicalize(&out)?;
    let json = out.join("report.json");
    let svg = out.join("report.svg");
    report::json::write(&report, &json)?;
    let html = out.join("report.html");
    report::svg::write(&report, &svg)?;
    report::html::write(&report, &html)?;
    println!(
        "\nreport: {}\nplot:   {}\npage:   {}",
        json.display(),
        svg.display(),
        html.display()
    );
    Ok(())
}

/// Medians over a point's runs.
fn summarise(point: &Point) -> Row {
    let med = |f: &dyn Fn(&Sample) -> f64| {
        stats::median(&point.samples.iter().map(f).collect::<Vec<_>>())
    };
    let ops_per_sec = med(&|s| s.ops_per_sec);
    // The writer's waits are pooled over every run before taking percentiles: an
    // oversubscribed run may let the writer in only a few times, and a per-run p99
    // of three samples is just their max.
    let writer_wait = (point.workload == Workload::ReadStorm).then(|| {
        let mut waits = workloads::new_wait_histogram();
        for sample in &point.samples {
            if let Some(run) = &sample.writer_waits {
                waits.add(run).expect("same bounds in every run");
            }
        }
        WriterWait::from_histogram(&waits, point.samples.len())
    });
    Row {
        lock: point.lock.to_string(),
        workload: point.name.to_string(),
        threads: point.threads,
        ops_per_sec,
        ns_per_op: point
            .workload
            .single_threaded()
            .then(|| 1e9 / ops_per_sec.max(1e-9)),
        ratio: None,
        jain: med(&|s| stats::jain_index(&s.per_thread)),
        min_max_share: med(&|s| stats::min_max_share(&s.per_thread)),
        writer_wait,
    }
}
