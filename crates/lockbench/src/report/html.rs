//! `report.html`: one self-contained page (no network) with a sortable table per
//! workload and the plots of `report.svg` inline.

use super::{BASELINE, Report, Row, svg};
use std::fmt::Write;
use std::path::Path;

/// Sorts a table by the clicked header: numbers numerically, text as text; a
/// second click reverses.
const SORT_JS: &str = r#"
document.querySelectorAll('table.sortable th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var dir = th.dataset.dir === 'asc' ? -1 : 1;
    table.querySelectorAll('th').forEach(function (h) { delete h.dataset.dir; });
    th.dataset.dir = dir === 1 ? 'asc' : 'desc';
    var idx = th.cellIndex;
    rows.sort(function (a, b) {
      var x = a.cells[idx].dataset.v || a.cells[idx].textContent;
      var y = b.cells[idx].dataset.v || b.cells[idx].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      if (!isNaN(nx) && !isNaN(ny)) { return dir * (nx - ny); }
      return dir * x.localeCompare(y);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"#;

const STYLE: &str = "body{font-family:sans-serif;margin:1.5em;color:#222}\
table{border-collapse:collapse;margin:0.5em 0 1.5em}\
th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}\
th{background:#f3f3f3;cursor:pointer;user-select:none}\
th[data-dir=asc]::after{content:' \\25B2'}th[data-dir=desc]::after{content:' \\25BC'}\
td:first-child,th:first-child{text-align:left}tr.own td:first-child{font-weight:bold}\
.plots{overflow-x:auto}";

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A number cell; `-` (sorted as missing) where there is none.
fn num(value: Option<f64>, digits: usize) -> String {
    match value {
        Some(v) => format!("<td data-v=\"{v}\">{v:.digits$}</td>"),
        None => "<td data-v=\"-1e300\">-</td>".to_string(),
    }
}

/// The whole page.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>lockbench report</title><style>{STYLE}</style></head><body>\n\
         <h1>lockbench</h1>\n<p>{}, {} ms per run, median of {} runs. Ratio = against {BASELINE} at the same point \
         (&gt; 1 is better; for the read storm it is {BASELINE}'s writer p99 over this lock's). \
         Click a column header to sort.</p>\n",
        esc(&report.machine),
        report.duration_ms,
        report.runs
    );
    let _ = writeln!(
        out,
        "<h2>Plots</h2>\n<div class=\"plots\">{}</div>",
        svg::render(report)
    );
    let _ = writeln!(out, "<h2>Tables</h2>");
    for workload in report.workloads() {
        let rows: Vec<&Row> = report
            .rows
            .iter()
            .filter(|r| r.workload == workload)
            .collect();
        let _ = writeln!(out, "<h3>{}</h3>", esc(workload));
        if rows.iter().any(|r| r.writer_wait.is_some()) {
            storm_table(&mut out, &rows);
        } else {
            throughput_table(&mut out, &rows);
        }
    }
    let _ = write!(out, "<script>{SORT_JS}</script>\n</body></html>\n");
    out
}

fn row_open(out: &mut String, row: &Row) {
    let class = if svg::OWN_LOCKS.contains(&row.lock.as_str()) {
        " class=\"own\""
    } else {
        ""
    };
    let _ = write!(
        out,
        "<tr{class}><td>{}</td><td data-v=\"{t}\">{t}</td>",
        esc(&row.lock),
        t = row.threads
    );
}

fn throughput_table(out: &mut String, rows: &[&Row]) {
    let latency = rows.iter().any(|r| r.ns_per_op.is_some());
    let _ = writeln!(
        out,
        "<table class=\"sortable\"><thead><tr><th>lock</th><th>threads</th><th>Mop/s</th><th>ratio</th><th>jain</th><th>min/max</th>{}</tr></thead><tbody>",
        if latency { "<th>ns/pair</th>" } else { "" }
    );
    for row in rows {
        row_open(out, row);
        out.push_str(&num(Some(row.ops_per_sec / 1e6), 2));
        out.push_str(&num(row.ratio, 2));
        out.push_str(&num(Some(row.jain), 3));
        out.push_str(&num(Some(row.min_max_share), 3));
        if latency {
            out.push_str(&num(row.ns_per_op, 1));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

fn storm_table(out: &mut String, rows: &[&Row]) {
    let _ = writeln!(
        out,
        "<p>The writer's wait (µs), pooled over the runs; writer p99 ratio = {BASELINE}'s writer p99 / this lock's (&gt; 1 = the writer waits less).</p>\n\
         <table class=\"sortable\"><thead><tr><th>lock</th><th>threads</th><th>writer p50</th><th>writer p99</th><th>writer max</th>\
         <th>writes/run</th><th>writer p99 ratio</th><th>reader Mop/s</th><th>jain</th></tr></thead><tbody>"
    );
    for row in rows {
        let Some(wait) = &row.writer_wait else {
            continue;
        };
        row_open(out, row);
        out.push_str(&num(Some(wait.p50_ns as f64 / 1e3), 2));
        out.push_str(&num(Some(wait.p99_ns as f64 / 1e3), 2));
        out.push_str(&num(Some(wait.max_ns as f64 / 1e3), 1));
        out.push_str(&num(Some(wait.writes as f64), 0));
        out.push_str(&num(row.ratio, 2));
        out.push_str(&num(Some(row.ops_per_sec / 1e6), 2));
        out.push_str(&num(Some(row.jain), 3));
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

/// Writes [`render`] into `path`.
pub fn write(report: &Report, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::write(path, render(report))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Report, Row, WriterWait};

    fn row(lock: &str, workload: &str, wait: Option<WriterWait>) -> Row {
        Row {
            lock: lock.into(),
            workload: workload.into(),
            threads: 2,
            ops_per_sec: 3e6,
            ns_per_op: None,
            ratio: None,
            jain: 1.0,
            min_max_share: 1.0,
            writer_wait: wait,
        }
    }

    #[test]
    fn page_is_self_contained_with_a_row_per_point_and_the_plots() {
        let wait = Some(WriterWait {
            p50_ns: 1_000,
            p99_ns: 9_000,
            max_ns: 20_000,
            writes: 5,
        });
        let mut report = Report {
            machine: "m<1>".into(),
            duration_ms: 1,
            runs: 1,
            rows: vec![
                row("parking_lot", "99-1", None),
                row("PushLock", "99-1", None),
                row("parking_lot", "read-storm", wait.clone()),
                row("PushLock", "read-storm", wait),
            ],
        };
        report.compute_ratios();
        let page = super::render(&report);
        assert_eq!(page.matches("<table class=\"sortable\">").count(), 2);
        assert_eq!(page.matches("<tr class=\"own\">").count(), 2);
        assert_eq!(
            page.matches("<tr>").count(),
            4,
            "2 headers + 2 baseline rows"
        );
        assert!(page.contains("<svg") && page.contains("writer p99 ratio"));
        assert!(page.contains("m&lt;1&gt;"), "text is escaped");
        assert!(
            !page.contains("src=") && !page.contains("<link"),
            "no fetches"
        );
    }
}
