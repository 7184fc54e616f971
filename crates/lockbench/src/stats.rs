//! Medians and fairness figures (the writer-wait percentiles come from `hdrhistogram`).

/// The median of `values` (the mean of the middle two for an even count); 0 if empty.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

/// Jain's fairness index over per-thread operation counts: 1.0 when every thread did
/// the same work, 1/n when one thread did all of it.
pub fn jain_index(per_thread: &[u64]) -> f64 {
    let sum: f64 = per_thread.iter().map(|&x| x as f64).sum();
    let squares: f64 = per_thread.iter().map(|&x| (x as f64) * (x as f64)).sum();
    if squares == 0.0 {
        1.0
    } else {
        sum * sum / (per_thread.len() as f64 * squares)
    }
}

/// The slowest thread's operations over the fastest's (1.0 = even, 0 = starved).
pub fn min_max_share(per_thread: &[u64]) -> f64 {
    let max = per_thread.iter().copied().max().unwrap_or(0);
    let min = per_thread.iter().copied().min().unwrap_or(0);
    if max == 0 {
        1.0
    } else {
        min as f64 / max as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jain_index_even_and_starved() {
        assert!((jain_index(&[5, 5, 5, 5]) - 1.0).abs() < 1e-12);
        assert!((jain_index(&[8, 0, 0, 0]) - 0.25).abs() < 1e-12);
        assert!((jain_index(&[1, 3]) - 0.8).abs() < 1e-12);
        assert_eq!(min_max_share(&[1, 4]), 0.25);
    }

    #[test]
    fn median_odd_even_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }
}
