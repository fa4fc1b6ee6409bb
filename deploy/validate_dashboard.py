"""Checks deploy/grafana/porthole.json against the server's metrics contract.

Every query must parse as PromQL (promql-parser, the Python binding of the Rust parser
GreptimeDB uses), name only the series server/src/metrics.rs exports with the labels they
carry, use each series as its type allows (counters and histograms through rate or
increase, gauges never), and every series of the contract must be on the dashboard. The
layout must be sound: unique panel ids, panels inside the 24-column grid and not
overlapping, and every data source reference bound to the dashboard's variable.

Usage: python validate_dashboard.py DASHBOARD.json  (exit 1 with the problems listed)
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass

import promql_parser as promql


@dataclass(frozen=True)
class Series:
    """One exported series: its type and the labels the server gives it."""

    kind: str  # "counter" | "gauge" | "histogram"
    labels: frozenset[str]


# The contract with server/src/metrics.rs (its module documentation lists the same names).
CONTRACT: dict[str, Series] = {
    "porthole_rpc_requests_total": Series("counter", frozenset({"method", "code"})),
    "porthole_rpc_duration_seconds": Series("histogram", frozenset({"method"})),
    "porthole_streams_open": Series("gauge", frozenset({"kind"})),
    "porthole_bus_delivery_seconds": Series("histogram", frozenset()),
    "porthole_event_log_lag_seconds": Series("gauge", frozenset()),
    "porthole_db_pool_connections": Series("gauge", frozenset({"state"})),
    "porthole_db_pool_max": Series("gauge", frozenset()),
    "porthole_db_query_duration_seconds": Series("histogram", frozenset({"op"})),
    "porthole_jobs_queued": Series("gauge", frozenset({"kind"})),
    "porthole_job_failures_total": Series("counter", frozenset({"kind"})),
    "porthole_rate_limited_total": Series("counter", frozenset({"limit"})),
    "process_resident_memory_bytes": Series("gauge", frozenset()),
}
# Labels Prometheus adds to every scraped series.
TARGET_LABELS = frozenset({"instance", "job"})
# Label values the server documents as a closed set.
CLOSED_VALUES = {("porthole_db_pool_connections", "state"): {"in_use", "idle"}}
RATE_FUNCTIONS = {"rate", "irate", "increase"}
# Grafana's own variables, replaced before Prometheus sees a query.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h", "$instance": ".*"}


def series_of(selector_name: str) -> tuple[str, Series, str] | None:
    """The contract series a selector names, with the histogram suffix it used."""
    if selector_name in CONTRACT:
        return selector_name, CONTRACT[selector_name], ""
    for suffix in ("_bucket", "_count", "_sum"):
        base = selector_name.removesuffix(suffix)
        if base != selector_name and base in CONTRACT and CONTRACT[base].kind == "histogram":
            return base, CONTRACT[base], suffix
    return None


def check_query(expr_text: str, where: str, used: set[str], problems: list[str]) -> None:
    """Parses one query and checks every selector and grouping in it."""
    text = expr_text
    for variable, value in GRAFANA_VARIABLES.items():
        text = text.replace(variable, value)
    if "$" in text:
        problems.append(f"{where}: unknown Grafana variable in {expr_text!r}")
        return
    try:
        tree = promql.parse(text)
    except Exception as error:  # the binding raises plain exceptions with the parser's message
        problems.append(f"{where}: not PromQL ({error}): {expr_text!r}")
        return

    ancestors: list[object] = []

    def enter(node: object) -> bool:
        if isinstance(node, promql.VectorSelector):
            check_selector(node, [a.func.name for a in ancestors if isinstance(a, promql.Call)])
        if isinstance(node, promql.AggregateExpr) and node.modifier is not None:
            allowed = set(TARGET_LABELS) | {"le"}
            for name in series_names(node):
                allowed |= CONTRACT[name].labels
            for label in node.modifier.labels:
                if label not in allowed:
                    problems.append(f"{where}: groups by {label!r}, which its series do not carry")
        ancestors.append(node)
        return True

    def leave(node: object) -> bool:
        ancestors.pop()
        return True

    def check_selector(node: promql.VectorSelector, calls: list[str]) -> None:
        found = series_of(node.name or "")
        if found is None:
            problems.append(f"{where}: {node.name!r} is not a series the server exports")
            return
        base, series, suffix = found
        used.add(base)
        in_rate = any(call in RATE_FUNCTIONS for call in calls)
        if series.kind == "counter" and not in_rate:
            problems.append(f"{where}: counter {base} is read without rate()/increase()")
        if series.kind == "gauge" and in_rate:
            problems.append(f"{where}: gauge {base} is read through rate()/increase()")
        if series.kind == "histogram":
            if not suffix:
                problems.append(f"{where}: histogram {base} needs _bucket, _count or _sum")
            elif not in_rate:
                problems.append(f"{where}: histogram {base}{suffix} is read without rate()")
            elif suffix == "_bucket" and "histogram_quantile" not in calls:
                problems.append(f"{where}: {base}_bucket outside histogram_quantile()")
        allowed = series.labels | TARGET_LABELS | ({"le"} if suffix == "_bucket" else set())
        for matcher in node.matchers.matchers:
            if matcher.name == "__name__":
                continue
            if matcher.name not in allowed:
                problems.append(f"{where}: {base} has no label {matcher.name!r}")
            closed = CLOSED_VALUES.get((base, matcher.name))
            if closed is not None and "Re" not in str(matcher.op) and matcher.value not in closed:
                problems.append(f"{where}: {base}{{{matcher.name}}} is never {matcher.value!r}")

    promql.walk(tree, enter, leave)


def series_names(node: object) -> set[str]:
    """The contract series under an aggregation (for the labels it may group by)."""
    names: set[str] = set()

    def visit(child: object) -> bool:
        if isinstance(child, promql.VectorSelector):
            found = series_of(child.name or "")
            if found is not None:
                names.add(found[0])
        return True

    promql.walk(node, visit)
    return names


def check_layout(panels: list[dict], problems: list[str]) -> None:
    """Unique ids; every panel inside the grid; no two panels overlapping."""
    ids: set[int] = set()
    boxes: list[tuple[str, int, int, int, int]] = []
    for panel in panels:
        title = panel.get("title", "?")
        panel_id = panel.get("id")
        if not isinstance(panel_id, int) or panel_id in ids:
            problems.append(f"panel {title!r}: missing or duplicate id {panel_id!r}")
        else:
            ids.add(panel_id)
        grid = panel.get("gridPos") or {}
        try:
            x, y, w, h = (int(grid[k]) for k in ("x", "y", "w", "h"))
        except (KeyError, TypeError, ValueError):
            problems.append(f"panel {title!r}: gridPos needs x, y, w and h")
            continue
        if x < 0 or w <= 0 or h <= 0 or x + w > 24:
            problems.append(f"panel {title!r}: outside the 24-column grid ({grid})")
        for other, ox, oy, ow, oh in boxes:
            if x < ox + ow and ox < x + w and y < oy + oh and oy < y + h:
                problems.append(f"panel {title!r} overlaps {other!r}")
        boxes.append((title, x, y, w, h))


def main(path: str) -> int:
    """Checks the dashboard at `path`; prints the problems, returns the exit code."""
    problems: list[str] = []
    with open(path, encoding="utf-8") as file:
        dashboard = json.load(file)
    for key in ("uid", "title", "schemaVersion", "panels", "templating"):
        if key not in dashboard:
            problems.append(f"dashboard has no {key!r}")
    variables = {v.get("name") for v in dashboard.get("templating", {}).get("list", [])}
    panels = dashboard.get("panels", [])
    check_layout(panels, problems)

    used: set[str] = set()
    queries = 0
    for panel in panels:
        title = panel.get("title", "?")
        if panel.get("type") == "row":
            continue
        targets = panel.get("targets") or []
        if not targets:
            problems.append(f"panel {title!r}: no queries")
        for ref in [panel.get("datasource")] + [t.get("datasource") for t in targets]:
            uid = (ref or {}).get("uid", "")
            match = re.fullmatch(r"\$\{(\w+)\}", uid)
            if match is None or match.group(1) not in variables:
                problems.append(f"panel {title!r}: data source {uid!r} is not a dashboard variable")
        for target in targets:
            queries += 1
            check_query(target.get("expr", ""), f"panel {title!r} query {target.get('refId')}", used, problems)

    for name in sorted(set(CONTRACT) - used):
        problems.append(f"series {name} is on no panel")
    for problem in problems:
        print(f"validate_dashboard: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"validate_dashboard: ok ({len(panels)} panels, {queries} queries, {len(used)} series)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
