//! `report.svg`: throughput against threads, a line per lock, a panel per workload.

use super::Report;
use plotters::prelude::*;
use std::path::Path;

/// Draws the throughput panels (the multi-thread workloads) into `path`.
pub fn write(report: &Report, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut workloads: Vec<&str> = Vec::new();
    for row in &report.rows {
        if row.ns_per_op.is_none() && !workloads.contains(&row.workload.as_str()) {
            workloads.push(&row.workload);
        }
    }
    let locks = report.locks();
    let columns = 3;
    let panel_rows = workloads.len().div_ceil(columns).max(1);
    let root = SVGBackend::new(path, (1500, 420 * panel_rows as u32)).into_drawing_area();
    root.fill(&WHITE)?;
    let panels = root.split_evenly((panel_rows, columns));
    for (workload, panel) in workloads.iter().zip(panels.iter()) {
        let points = |lock: &str| -> Vec<(f64, f64)> {
            report
                .rows
                .iter()
                .filter(|r| r.workload == *workload && r.lock == lock)
                .map(|r| ((r.threads as f64).log2(), r.ops_per_sec / 1e6))
                .collect()
        };
        let all: Vec<(f64, f64)> = locks.iter().flat_map(|l| points(l)).collect();
        let x_max = all.iter().map(|p| p.0).fold(1.0, f64::max);
        let y_max = all.iter().map(|p| p.1).fold(0.001, f64::max) * 1.1;
        let mut chart = ChartBuilder::on(panel)
            .caption(*workload, ("sans-serif", 20))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(55)
            .build_cartesian_2d(0.0..x_max, 0.0..y_max)?;
        chart
            .configure_mesh()
            .x_desc("threads")
            .y_desc("Mops/s")
            // One label per power of two (the axis is log2 threads).
            .x_labels(x_max as usize + 1)
            .x_label_formatter(&|x| format!("{}", 2f64.powf(*x).round()))
            .draw()?;
        for (index, lock) in locks.iter().enumerate() {
            let color = Palette99::pick(index).to_rgba();
            let series = points(lock);
            chart
                .draw_series(LineSeries::new(series.clone(), color.stroke_width(2)))?
                .label(*lock)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
            chart.draw_series(
                series
                    .into_iter()
                    .map(|p| Circle::new(p, 3, color.filled())),
            )?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .label_font(("sans-serif", 11))
            .draw()?;
    }
    root.present()?;
    Ok(())
}
