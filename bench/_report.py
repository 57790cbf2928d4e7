"""Turn benchmark steps into the table `api_load` prints."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

COLUMNS = (
    ("db", 8), ("scenario", 8), ("rate", 5), ("achieved", 8), ("p50 ms", 7), ("p99 ms", 7),
    ("max ms", 8), ("2xx", 6), ("409", 4), ("failed", 6), ("srv cpu", 7), ("ms/req", 6),
    ("host busy/before", 16), ("gen lag p99", 11), ("p99<=50", 7),
)  # fmt: skip


def _row(db: str, step: Mapping[str, Any]) -> list[str]:
    overall = step["overall"]
    latency = overall["latency_ms"]
    return [
        db,
        step["scenario"],
        f"{step['rate']:.0f}",
        f"{overall['achieved_rps']:.0f}",
        f"{latency['p50']:.1f}",
        f"{latency['p99']:.1f}",
        f"{latency['max']:.0f}",
        str(overall["ok"]),
        str(overall["conflicts"]),
        str(overall["failures"] - overall["conflicts"]),
        f"{step['server_cpu_share']:.0%}",
        f"{step['server_cpu_ms_per_request']:.2f}",
        f"{step['host_cpu_share']:.0%}/{step['host_cpu_share_before']:.0%}",
        f"{overall['send_lag_ms']['p99']:.1f}",
        "yes" if step["passed"] else ("NO, aborted" if step["aborted"] else "NO"),
    ]


def table(rows: Iterable[tuple[str, Mapping[str, Any]]]) -> str:
    """One line per (database, step), aligned under a header."""
    lines = [[name for name, _ in COLUMNS]] + [_row(db, step) for db, step in rows]
    widths = [max(w, *(len(line[i]) for line in lines)) for i, (_, w) in enumerate(COLUMNS)]
    return "\n".join(
        "  ".join(v.rjust(w) for v, w in zip(line, widths, strict=True)) for line in lines
    )


def mix_detail(db: str, step: Mapping[str, Any]) -> str:
    """The accept and read halves of a mixed step, each with its own percentiles."""
    parts = []
    for kind, stats in sorted(step["by_kind"].items()):
        latency = stats["latency_ms"]
        parts.append(
            f"{kind} p50 {latency['p50']:.1f} / p99 {latency['p99']:.1f} / "
            f"max {latency['max']:.0f} ms ({stats['ok']} ok, {stats['failures']} failed)"
        )
    return f"  {db} mix @ {step['rate']:.0f}/s: " + "; ".join(parts)


def summary(db: str, result: Mapping[str, Any], scenarios: Sequence[str]) -> list[str]:
    """Highest passing rate per scenario and the server's memory."""
    lines = []
    for scenario in scenarios:
        best = result["highest_passing_rate"].get(scenario)
        note = result["ladder_stopped_by"].get(scenario, "")
        shown = f"{best:.0f} req/s" if best is not None else "none of the rates tried"
        lines.append(f"  {db:8} {scenario:8} highest rate with p99 <= 50 ms: {shown} ({note})")
    memory = result["server_memory_kb"]
    lines.append(
        f"  {db:8} server RSS at the end {memory['VmRSS'] / 1024:.0f} MB, "
        f"peak (VmHWM) {memory['VmHWM'] / 1024:.0f} MB; seeding took {result['seed_seconds']:.0f} s"
    )
    return lines
