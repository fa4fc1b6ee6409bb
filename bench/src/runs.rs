//! Repeating a scenario: `--runs N` runs, each with the CPU steal measured over it, then the
//! median and min–max of each key figure in one summary line and in the JSON.

use serde_json::{Value, json};

use crate::Args;
use crate::process::StealMeter;

/// One figure of a scenario's result to summarise over runs.
pub struct Figure {
    pub label: &'static str,
    /// Where it is in one run's JSON.
    pub path: &'static [&'static str],
    pub unit: &'static str,
    /// Multiplied in before printing (e.g. bytes → MB).
    pub scale: f64,
}

pub const fn figure(label: &'static str, path: &'static [&'static str], unit: &'static str) -> Figure {
    Figure { label, path, unit, scale: 1.0 }
}

pub const fn scaled(label: &'static str, path: &'static [&'static str], unit: &'static str, scale: f64) -> Figure {
    Figure { label, path, unit, scale }
}

const STEAL: Figure = figure("steal", &["run_steal_percent"], "%");

/// Median, min and max of `values` (not empty).
fn spread(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
    (median, sorted[0], sorted[n - 1])
}

/// Three significant digits or so: enough to compare runs, short enough to read.
fn show(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 100.0 || value == value.trunc() && magnitude < 1e15 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// Runs `run` `args.runs` times and returns every run's result plus the summary of `figures`.
pub async fn repeat(
    args: &Args,
    name: &str,
    figures: &[Figure],
    mut run: impl AsyncFnMut() -> Result<Value, String>,
) -> Result<Value, String> {
    let mut results = Vec::new();
    for i in 0..args.runs.max(1) {
        if args.runs > 1 {
            println!("{name}: run {} of {}", i + 1, args.runs);
        }
        let steal = StealMeter::start();
        let mut result = run().await?;
        if let Value::Object(fields) = &mut result {
            fields.insert("run_steal_percent".into(), json!(steal.percent()));
        }
        results.push(result);
    }
    let mut summary = serde_json::Map::new();
    let mut parts = Vec::new();
    for f in figures.iter().chain([&STEAL]) {
        let values: Vec<f64> =
            results.iter().filter_map(|r| f.path.iter().fold(r, |v, k| &v[*k]).as_f64()).map(|v| v * f.scale).collect();
        if values.is_empty() {
            continue;
        }
        let (median, min, max) = spread(&values);
        summary.insert(
            f.label.into(),
            json!({ "median": median, "min": min, "max": max, "unit": f.unit, "values": values }),
        );
        let unit = if matches!(f.unit, "" | "%" | "×") { f.unit.to_owned() } else { format!(" {}", f.unit) };
        parts.push(if values.len() > 1 {
            format!("{} {}{unit} ({}–{})", f.label, show(median), show(min), show(max))
        } else {
            format!("{} {}{unit}", f.label, show(median))
        });
    }
    let runs = results.len();
    let what = if runs > 1 { format!("median (min–max) of {runs} runs") } else { "1 run".into() };
    println!("{name} summary, {what}: {}", parts.join(", "));
    Ok(json!({ "scenario": name, "runs": runs, "summary": summary, "results": results }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_takes_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(spread(&[3.0, 1.0, 2.0]), (2.0, 1.0, 3.0));
        assert_eq!(spread(&[4.0, 1.0, 2.0, 3.0]), (2.5, 1.0, 4.0));
        assert_eq!(spread(&[7.0]), (7.0, 7.0, 7.0));
    }
}
