//! `report.svg`: a panel per workload, drawn by hand as plain SVG.
//!
//! Three views, top to bottom: throughput (Mop/s) against threads, the same
//! points as the ratio to the baseline lock (1.0 drawn), and the read storm as
//! the writer's p50 (dashed) and p99 (solid) wait on a log scale. The thread
//! axis is log2. One legend for the whole figure sits above the panels, outside
//! the data; the project's own locks are drawn thicker.

use super::{BASELINE, Report, Row};
use std::fmt::Write;
use std::path::Path;

/// Tableau 10: a qualitative palette whose colours stay apart (also for most
/// colour-blind readers). Past ten locks the colours repeat with a dash pattern.
pub const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// The project's own locks, drawn thicker.
pub const OWN_LOCKS: [&str; 3] = ["PushLock", "CacheAwarePushLock", "Resource"];

const PANEL_W: f64 = 480.0;
const PANEL_H: f64 = 300.0;
const COLUMNS: usize = 3;
const LEFT: f64 = 62.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 42.0;
const STORM_H: f64 = 380.0;

/// How a lock's line looks.
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    /// Stroke colour.
    pub color: &'static str,
    /// SVG `stroke-dasharray` ("" for solid).
    pub dash: &'static str,
    /// Stroke width.
    pub width: f64,
}

/// The style of the `index`th lock named `lock`.
pub fn style(index: usize, lock: &str) -> Style {
    const DASHES: [&str; 3] = ["", "6 3", "2 2"];
    Style {
        color: PALETTE[index % PALETTE.len()],
        dash: DASHES[(index / PALETTE.len()) % DASHES.len()],
        width: if OWN_LOCKS.contains(&lock) { 3.5 } else { 1.6 },
    }
}

/// Powers of two from the last one at or below `min` up to the first one at or
/// above `max` (the log2 thread axis).
pub fn log2_ticks(min: usize, max: usize) -> Vec<usize> {
    let mut ticks = vec![1usize << min.max(1).ilog2()];
    while *ticks.last().unwrap() < max {
        ticks.push(ticks.last().unwrap() * 2);
    }
    ticks
}

/// Decades covering `lo..=hi` (both > 0), for a log10 axis.
pub fn log10_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let lo = lo.max(1e-9).log10().floor() as i32;
    let hi = (hi.max(1e-9).log10().ceil() as i32).max(lo + 1);
    (lo..=hi).map(|e| 10f64.powi(e)).collect()
}

/// Powers of two covering `lo..=hi` and 1.0 (the ratio axis, log2: 0.5 and 2
/// are equally far from 1).
pub fn ratio_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let lo = (lo.max(1e-3).log2().floor() as i32).min(-1);
    let hi = (hi.max(1e-3).log2().ceil() as i32).max(1);
    (lo..=hi).map(|e| 2f64.powi(e)).collect()
}

/// "Nice" linear ticks from 0 to at least `max`.
pub fn linear_ticks(max: f64) -> Vec<f64> {
    let max = if max > 0.0 { max } else { 1.0 };
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let n = (max / step).ceil() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// A value axis label: powers of two below 1 as fractions ("1/4") on the ratio
/// axis, other values without trailing zeros.
pub fn tick_label(v: f64, fraction: bool) -> String {
    if fraction && v > 0.0 && v < 1.0 {
        return format!("1/{}", (1.0 / v).round());
    }
    let text = format!("{v:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// What a panel shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Mop/s.
    Throughput,
    /// Ratio to the baseline.
    Ratio,
    /// Read storm writer p50/p99 wait (µs, log).
    WriterWait,
}

/// The panels in drawing order: throughput for every multi-thread workload,
/// then their ratios, then the writer wait for each storm workload.
pub fn panels(report: &Report) -> Vec<(View, String)> {
    let plain = |r: &Row| r.ns_per_op.is_none() && r.writer_wait.is_none();
    let mut throughput: Vec<String> = Vec::new();
    let mut storm: Vec<String> = Vec::new();
    for row in &report.rows {
        let list = if row.writer_wait.is_some() {
            &mut storm
        } else if plain(row) {
            &mut throughput
        } else {
            continue;
        };
        if !list.contains(&row.workload) {
            list.push(row.workload.clone());
        }
    }
    let mut out: Vec<(View, String)> = Vec::new();
    out.extend(throughput.iter().map(|w| (View::Throughput, w.clone())));
    out.extend(throughput.iter().map(|w| (View::Ratio, w.clone())));
    out.extend(storm.iter().map(|w| (View::WriterWait, w.clone())));
    out
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The whole figure as an SVG document.
pub fn render(report: &Report) -> String {
    let locks = report.locks();
    let panels = panels(report);
    let legend_rows = locks.len().div_ceil(6).max(1);
    let legend_h = 30.0 + 22.0 * legend_rows as f64;
    let storms = panels.iter().filter(|p| p.0 == View::WriterWait).count();
    let grid_rows = (panels.len() - storms).div_ceil(COLUMNS);
    let width = PANEL_W * COLUMNS as f64;
    let height = legend_h + PANEL_H * grid_rows as f64 + STORM_H * storms as f64;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(
        svg,
        r#"<rect width="100%" height="100%" fill="white"/><text x="10" y="18" font-size="14" font-weight="bold">lockbench: {} ({} ms per run, median of {} runs); thick lines: this project's locks</text>"#,
        esc(&report.machine),
        report.duration_ms,
        report.runs
    );
    for (index, lock) in locks.iter().enumerate() {
        let s = style(index, lock);
        let x = 10.0 + (index % 6) as f64 * 240.0;
        let y = 40.0 + (index / 6) as f64 * 22.0;
        let _ = writeln!(
            svg,
            r#"<g class="legend"><line x1="{x}" y1="{y}" x2="{}" y2="{y}" stroke="{}" stroke-width="{}" stroke-dasharray="{}"/><text x="{}" y="{}">{}</text></g>"#,
            x + 28.0,
            s.color,
            s.width,
            s.dash,
            x + 34.0,
            y + 4.0,
            esc(lock)
        );
    }
    let grid: Vec<&(View, String)> = panels.iter().filter(|p| p.0 != View::WriterWait).collect();
    for (n, (view, workload)) in grid.iter().enumerate() {
        let ox = (n % COLUMNS) as f64 * PANEL_W;
        let oy = legend_h + (n / COLUMNS) as f64 * PANEL_H;
        panel(&mut svg, report, &locks, *view, workload, ox, oy);
    }
    let storm_top = legend_h + PANEL_H * grid.len().div_ceil(COLUMNS) as f64;
    for (n, (_, workload)) in panels
        .iter()
        .filter(|p| p.0 == View::WriterWait)
        .enumerate()
    {
        storm_panel(
            &mut svg,
            report,
            &locks,
            workload,
            storm_top + n as f64 * STORM_H,
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// One lock's points (threads, value) in a throughput or ratio panel.
fn series(report: &Report, lock: &str, view: View, workload: &str) -> Vec<(usize, f64)> {
    let rows: Vec<&Row> = report
        .rows
        .iter()
        .filter(|r| r.workload == workload && r.lock == lock)
        .collect();
    match view {
        View::Throughput => rows
            .iter()
            .map(|r| (r.threads, r.ops_per_sec / 1e6))
            .collect(),
        View::Ratio => rows
            .iter()
            .filter_map(|r| r.ratio.filter(|x| *x > 0.0).map(|x| (r.threads, x)))
            .collect(),
        // Drawn per lock by `storm_panel`.
        View::WriterWait => Vec::new(),
    }
}

fn panel(
    svg: &mut String,
    report: &Report,
    locks: &[&str],
    view: View,
    workload: &str,
    ox: f64,
    oy: f64,
) {
    let all: Vec<Vec<(usize, f64)>> = locks
        .iter()
        .map(|l| series(report, l, view, workload))
        .collect();
    let points = || all.iter().flatten();
    let max_threads = points().map(|p| p.0).max().unwrap_or(1);
    let min_threads = points().map(|p| p.0).min().unwrap_or(1);
    let mut xticks = log2_ticks(min_threads, max_threads);
    if xticks.len() == 1 {
        xticks.push(xticks[0] * 2);
    }
    let x_first = (xticks[0] as f64).log2();
    let x_span = (*xticks.last().unwrap() as f64).log2() - x_first;
    let y_hi = points().map(|p| p.1).fold(0.0, f64::max);
    let y_lo = points()
        .map(|p| p.1)
        .filter(|v| *v > 0.0)
        .fold(f64::MAX, f64::min);
    let y_lo = if y_lo == f64::MAX { 1.0 } else { y_lo };
    let (title, unit, yticks, log) = match view {
        View::Throughput => (
            format!("{workload}: throughput"),
            "Mop/s".to_string(),
            linear_ticks(y_hi),
            false,
        ),
        View::Ratio => (
            format!("{workload}: ratio to {BASELINE} (> 1 = faster)"),
            format!("× {BASELINE} (log2)"),
            ratio_ticks(y_lo, y_hi),
            true,
        ),
        View::WriterWait => return,
    };
    let (x0, x1) = (ox + LEFT, ox + PANEL_W - RIGHT);
    let (y0, y1) = (oy + PANEL_H - BOTTOM, oy + TOP);
    let sx = |t: usize| x0 + ((t.max(1) as f64).log2() - x_first) / x_span * (x1 - x0);
    let (ylo, yhi) = (yticks[0], *yticks.last().unwrap());
    let sy = |v: f64| {
        let f = if log {
            (v.max(ylo).log10() - ylo.log10()) / (yhi.log10() - ylo.log10())
        } else {
            v / yhi
        };
        y0 - f * (y0 - y1)
    };
    let _ = writeln!(
        svg,
        r#"<g class="panel" data-view="{view:?}"><text x="{}" y="{}" font-size="13" font-weight="bold" text-anchor="middle">{}</text>"#,
        (x0 + x1) / 2.0,
        oy + 18.0,
        esc(&title)
    );
    let _ = writeln!(
        svg,
        r##"<rect x="{x0}" y="{y1}" width="{}" height="{}" fill="none" stroke="#888"/>"##,
        x1 - x0,
        y0 - y1
    );
    for t in &xticks {
        let x = sx(*t);
        let _ = writeln!(
            svg,
            r##"<line x1="{x}" y1="{y1}" x2="{x}" y2="{y0}" stroke="#eee"/><text x="{x}" y="{}" text-anchor="middle">{t}</text>"##,
            y0 + 14.0
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="middle">threads (log2)</text>"#,
        (x0 + x1) / 2.0,
        y0 + 30.0
    );
    for v in &yticks {
        let y = sy(*v);
        let label = tick_label(*v, view == View::Ratio);
        let _ = writeln!(
            svg,
            r##"<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#eee"/><text x="{}" y="{}" text-anchor="end">{label}</text>"##,
            x0 - 4.0,
            y + 4.0
        );
    }
    let _ = writeln!(
        svg,
        r#"<text transform="translate({},{}) rotate(-90)" text-anchor="middle">{unit}</text>"#,
        ox + 14.0,
        (y0 + y1) / 2.0
    );
    if view == View::Ratio {
        let y = sy(1.0);
        let _ = writeln!(
            svg,
            r#"<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="black" stroke-width="1.2"/>"#
        );
    }
    for (index, (lock, line)) in locks.iter().zip(&all).enumerate() {
        let s = style(index, lock);
        let (dash, width) = (s.dash, s.width);
        let path: Vec<String> = line
            .iter()
            .map(|(t, v)| format!("{:.1},{:.1}", sx(*t), sy(*v)))
            .collect();
        let _ = writeln!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{width}" stroke-dasharray="{dash}"><title>{}</title></polyline>"#,
            path.join(" "),
            s.color,
            esc(lock)
        );
        for (t, v) in line {
            let _ = writeln!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="{}" fill="{}"><title>{} x{t}: {v:.3}</title></circle>"#,
                sx(*t),
                sy(*v),
                3.0,
                s.color,
                esc(lock)
            );
        }
    }
    svg.push_str("</g>\n");
}

/// The read storm, per lock: for each thread count a bar from the writer's p50
/// wait (hollow dot) to its p99 (filled dot), on a log10 µs axis; the full width.
fn storm_panel(svg: &mut String, report: &Report, locks: &[&str], workload: &str, oy: f64) {
    let rows: Vec<&Row> = report
        .rows
        .iter()
        .filter(|r| r.workload == workload && r.writer_wait.as_ref().is_some_and(|w| w.writes > 0))
        .collect();
    let mut threads: Vec<usize> = rows.iter().map(|r| r.threads).collect();
    threads.sort_unstable();
    threads.dedup();
    let us = |ns: u64| (ns as f64 / 1e3).max(1e-3);
    let lo = rows
        .iter()
        .map(|r| us(r.writer_wait.as_ref().unwrap().p50_ns))
        .fold(f64::MAX, f64::min);
    let hi = rows
        .iter()
        .map(|r| us(r.writer_wait.as_ref().unwrap().p99_ns))
        .fold(0.0, f64::max);
    let yticks = if rows.is_empty() {
        vec![1.0, 10.0]
    } else {
        log10_ticks(lo, hi)
    };
    let width = PANEL_W * COLUMNS as f64;
    let (x0, x1) = (LEFT, width - RIGHT);
    let (y0, y1) = (oy + STORM_H - 90.0, oy + TOP + 14.0);
    let (ylo, yhi) = (yticks[0].log10(), yticks.last().unwrap().log10());
    let sy = |v: f64| y0 - (v.log10() - ylo) / (yhi - ylo) * (y0 - y1);
    let slot = (x1 - x0) / locks.len().max(1) as f64;
    let _ = writeln!(
        svg,
        r##"<g class="panel" data-view="WriterWait"><text x="{}" y="{}" font-size="13" font-weight="bold" text-anchor="middle">{}: the writer's wait per lock, hollow dot p50, filled dot p99, label = threads (lower is better)</text><rect x="{x0}" y="{y1}" width="{}" height="{}" fill="none" stroke="#888"/>"##,
        width / 2.0,
        oy + 18.0,
        esc(workload),
        x1 - x0,
        y0 - y1
    );
    for v in &yticks {
        let y = sy(*v);
        let _ = writeln!(
            svg,
            r##"<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#eee"/><text x="{}" y="{}" text-anchor="end">{v}</text>"##,
            x0 - 4.0,
            y + 4.0
        );
    }
    let _ = writeln!(
        svg,
        r#"<text transform="translate(14,{}) rotate(-90)" text-anchor="middle">writer wait, µs (log10)</text>"#,
        (y0 + y1) / 2.0
    );
    for (index, lock) in locks.iter().enumerate() {
        let s = style(index, lock);
        let cx = x0 + slot * (index as f64 + 0.5);
        let _ = writeln!(
            svg,
            r#"<text transform="translate({cx},{}) rotate(-25)" text-anchor="end" font-weight="{}">{}</text>"#,
            y0 + 16.0,
            if OWN_LOCKS.contains(lock) {
                "bold"
            } else {
                "normal"
            },
            esc(lock)
        );
        for (k, t) in threads.iter().enumerate() {
            let Some(w) = rows
                .iter()
                .find(|r| r.lock == *lock && r.threads == *t)
                .and_then(|r| r.writer_wait.as_ref())
            else {
                continue;
            };
            let x = cx + (k as f64 - (threads.len() as f64 - 1.0) / 2.0) * 16.0;
            let (p50, p99) = (sy(us(w.p50_ns)), sy(us(w.p99_ns)));
            let _ = writeln!(
                svg,
                r#"<g><title>{} x{t}: writer p50 {:.1} µs, p99 {:.1} µs, {} writes/run</title><line x1="{x}" y1="{p50}" x2="{x}" y2="{p99}" stroke="{}" stroke-width="{}"/><circle cx="{x}" cy="{p50}" r="4" fill="white" stroke="{}" stroke-width="2"/><circle cx="{x}" cy="{p99}" r="4.5" fill="{}"/><text x="{x}" y="{}" text-anchor="middle" font-size="9">{t}</text></g>"#,
                esc(lock),
                w.p50_ns as f64 / 1e3,
                w.p99_ns as f64 / 1e3,
                w.writes,
                s.color,
                s.width,
                s.color,
                s.color,
                p99 - 8.0
            );
        }
    }
    svg.push_str("</g>\n");
}

/// Writes [`render`] into `path`.
pub fn write(report: &Report, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::write(path, render(report))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::WriterWait;

    fn row(lock: &str, workload: &str, threads: usize, wait: bool) -> Row {
        Row {
            lock: lock.into(),
            workload: workload.into(),
            threads,
            ops_per_sec: 1e6 * threads as f64,
            ns_per_op: None,
            ratio: Some(1.0),
            jain: 1.0,
            min_max_share: 1.0,
            writer_wait: wait.then_some(WriterWait {
                p50_ns: 1000,
                p99_ns: 50_000,
                max_ns: 90_000,
                writes: 10,
            }),
        }
    }

    #[test]
    fn thread_axis_is_powers_of_two() {
        assert_eq!(log2_ticks(1, 1), vec![1]);
        assert_eq!(log2_ticks(1, 16), vec![1, 2, 4, 8, 16]);
        assert_eq!(log2_ticks(1, 12), vec![1, 2, 4, 8, 16]);
        assert_eq!(log2_ticks(3, 8), vec![2, 4, 8]);
        assert_eq!(tick_label(0.0625, true), "1/16");
        assert_eq!(tick_label(0.5, true), "1/2");
        assert_eq!(tick_label(2.5, false), "2.5");
        assert_eq!(tick_label(100.0, true), "100");
    }

    #[test]
    fn value_axes_cover_the_data() {
        assert_eq!(log10_ticks(0.5, 300.0), vec![0.1, 1.0, 10.0, 100.0, 1000.0]);
        let t = linear_ticks(7.3);
        assert_eq!(t[0], 0.0);
        assert!(*t.last().unwrap() >= 7.3 && t.len() <= 7, "{t:?}");
        assert_eq!(ratio_ticks(0.8, 1.1), vec![0.5, 1.0, 2.0]);
        assert_eq!(ratio_ticks(0.3, 6.0), vec![0.25, 0.5, 1.0, 2.0, 4.0, 8.0]);
    }

    #[test]
    fn palette_colours_are_distinct_and_styles_unique_per_lock() {
        let mut colours = PALETTE.to_vec();
        colours.sort();
        colours.dedup();
        assert_eq!(colours.len(), PALETTE.len());
        let styles: Vec<(&str, &str)> = (0..20)
            .map(|i| {
                let s = style(i, "x");
                (s.color, s.dash)
            })
            .collect();
        for (i, a) in styles.iter().enumerate() {
            assert!(!styles[..i].contains(a), "style {i} repeats");
        }
        assert!(style(0, "PushLock").width > style(0, "parking_lot").width);
    }

    #[test]
    fn panel_list_has_throughput_ratio_and_writer_wait() {
        let report = Report {
            machine: "m".into(),
            duration_ms: 1,
            runs: 1,
            rows: vec![
                row("PushLock", "read_heavy", 1, false),
                row("parking_lot", "read_heavy", 2, false),
                row("PushLock", "read_storm", 2, true),
            ],
        };
        assert_eq!(
            panels(&report),
            vec![
                (View::Throughput, "read_heavy".to_string()),
                (View::Ratio, "read_heavy".to_string()),
                (View::WriterWait, "read_storm".to_string()),
            ]
        );
        let svg = render(&report);
        assert_eq!(svg.matches(r#"class="panel""#).count(), 3);
        assert_eq!(svg.matches(r#"class="legend""#).count(), 2);
    }
}
