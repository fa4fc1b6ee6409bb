//! The largest-N search that `compare` and `realistic` share: for one side (Porthole or the
//! peer) and one kind of load, the most visitors at which delivery still meets issue 7's bar
//! (no errors, p99 ≤ 50 ms to the visitor and to the agents, nearly every message delivered).
//! One rule and one search for both scenarios, so their "largest N" figures mean the same.

use serde_json::{Value, json};

use crate::Args;

/// Issue 7's bar for "max clients": p99 of both deliveries (visitor's and agents') at or under it.
pub const P99_LIMIT_MS: f64 = 50.0;
/// A point also fails when fewer of the window's messages than this share arrived: a server that
/// drops or holds back messages must not pass on the few it delivered quickly.
const DELIVERED_MIN: f64 = 0.99;
/// Points of one largest-N search at most (doubling, then halving the gap, and the repeats of
/// failed points), so it always ends.
const MAX_STEPS: usize = 16;
/// A load client at this share of a core or above may be what set the pace, not the server.
const CLIENT_BOUND_PERCENT: f64 = 90.0;

/// Whether a point's result meets the bar: no errors, p99 ≤ 50 ms to the visitor and the agents,
/// and (nearly) every message of the window delivered. Reads `errors`, `agents`,
/// `measured_sent` and `to_visitor`/`to_agents` (`p99_ms`, `count`), which every side's result has.
pub fn verdict(result: &Value) -> Result<(), String> {
    let errors = result["errors"].as_u64().unwrap_or(u64::MAX);
    if errors > 0 {
        return Err(format!("{errors} errors"));
    }
    let agents = result["agents"].as_f64().unwrap_or(0.0);
    let expected = result["measured_sent"].as_f64().unwrap_or(0.0);
    for (feed, copies) in [("to_visitor", 1.0), ("to_agents", agents)] {
        if copies == 0.0 {
            continue;
        }
        let p99 = result[feed]["p99_ms"].as_f64().unwrap_or(f64::INFINITY);
        if p99 > P99_LIMIT_MS {
            return Err(format!("{feed} p99 {p99} ms"));
        }
        let got = result[feed]["count"].as_f64().unwrap_or(0.0);
        if got < DELIVERED_MIN * expected * copies {
            return Err(format!("{feed}: {got} of {} delivered", expected * copies));
        }
    }
    Ok(())
}

/// The largest N (visitors; everything else as in `args`) at which `measure` passes `verdict`:
/// doubles from the first point until one fails (twice in a row) or `--search-max`, then halves
/// the gap until it is within 10%. `first` is the scenario's own run at `args.visitors`, reused
/// as the first point; `measure` runs one point at the `Args` it is given (visitors set, the
/// window `--search-duration`). `label` prefixes the printed lines, e.g. `compare[peer]`.
pub async fn largest_n(
    args: &Args,
    label: &str,
    first: &Value,
    mut measure: impl AsyncFnMut(&Args) -> Result<Value, String>,
) -> Value {
    let mut step_args = args.clone();
    step_args.duration = args.search_duration;
    let mut steps = Vec::new();
    let (mut pass, mut fail): (usize, Option<usize>) = (0, None);
    let mut n = args.visitors;
    let mut outcome = Ok(first.clone());
    // Quick mode only proves the search runs: the first point and one doubling.
    let max_steps = if args.quick { 2 } else { MAX_STEPS };
    let mut retried = false;
    loop {
        let judged = outcome.as_ref().map_err(String::clone).and_then(verdict);
        let client_cpu = outcome.as_ref().ok().and_then(|r| r["client_cpu_percent"].as_f64());
        println!(
            "{label} search: N={n}: {}",
            judged.as_ref().map_or_else(|why| format!("fails ({why})"), |()| "passes".into())
        );
        steps.push(json!({ "visitors": n, "pass": judged.is_ok(), "why": judged.as_ref().err(),
            "client_cpu_percent": client_cpu, "result": outcome.as_ref().ok() }));
        // Nothing is measured after the last allowed point: it would never be judged.
        let last = steps.len() >= max_steps;
        // On a shared machine one stall elsewhere can sink a point: a failure counts only when
        // the same N fails again (not in quick mode, which only proves the search runs).
        if judged.is_err() && !args.quick && !retried && !last {
            retried = true;
            println!("{label} search: N={n}: once more before it counts as failed");
            step_args.visitors = n;
            outcome = measure(&step_args).await;
            continue;
        }
        retried = false;
        if judged.is_ok() {
            pass = n;
        } else {
            fail = Some(n);
        }
        n = match fail {
            None if pass >= args.search_max => break,
            None => (pass * 2).min(args.search_max),
            Some(f) if f.saturating_sub(pass) <= (pass / 10).max(1) => break,
            Some(f) => pass + (f - pass) / 2,
        };
        if last {
            break;
        }
        step_args.visitors = n;
        outcome = measure(&step_args).await;
    }
    // When the client was near a full core at the first failing point, the limit may be its own.
    let client_bound = fail
        .and_then(|f| steps.iter().rev().find(|s| s["visitors"] == f && s["pass"] == false))
        .is_some_and(|s| s["client_cpu_percent"].as_f64().is_some_and(|c| c >= CLIENT_BOUND_PERCENT));
    json!({ "largest_passing_visitors": pass, "smallest_failing_visitors": fail,
        "capped_at_search_max": fail.is_none() && pass >= args.search_max, "client_bound": client_bound, "steps": steps })
}

/// What to keep in mind when reading a search's result, for the summary line ("" when nothing).
pub fn caveats(search: &Value) -> String {
    let mut notes = Vec::new();
    if search["capped_at_search_max"] == true {
        notes.push("reached --search-max");
    }
    if search["client_bound"] == true {
        notes.push("load client near a full core when it failed");
    }
    if notes.is_empty() { String::new() } else { format!(" ({})", notes.join(", ")) }
}

/// `a / b` when both are figures and `b` is not zero.
pub fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0 && a.is_finite() && b.is_finite()).then(|| a / b)
}

/// A ratio as printed in summary lines.
pub fn times(r: Option<f64>) -> String {
    r.map_or_else(|| "n/a".into(), |r| format!("{r:.2}×"))
}

/// The number at `path` in `v`, NaN when it is missing.
pub fn number(v: &Value, path: &[&str]) -> f64 {
    path.iter().fold(v, |v, k| &v[*k]).as_f64().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(errors: u64, p99: f64, delivered: u64) -> Value {
        json!({ "errors": errors, "agents": 2, "measured_sent": 100,
            "to_visitor": { "p99_ms": p99, "count": delivered },
            "to_agents": { "p99_ms": p99, "count": 2 * delivered } })
    }

    #[test]
    fn a_point_passes_only_without_errors_under_the_limit_and_delivered() {
        assert!(verdict(&point(0, 12.0, 100)).is_ok());
        assert!(verdict(&point(1, 12.0, 100)).is_err());
        assert!(verdict(&point(0, 50.1, 100)).is_err());
        assert!(verdict(&point(0, 12.0, 98)).is_err());
        // A result without figures is no pass.
        assert!(verdict(&json!({})).is_err());
    }
}
