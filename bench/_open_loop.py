"""An open-loop HTTP load generator: requests leave on a fixed schedule, whatever the server does.

Run it as its own process (so its CPU is not the server's):

    python bench/_open_loop.py --url http://127.0.0.1:8000 --plan plan.json \\
        --rate 200 --warmup 3 --duration 15 --out result.json

`plan.json` is `{"requests": [[kind, method, path, bearer_token], ...]}` (an entry may add a
body and a headers object: `[kind, method, path, "", body, {header: value}]`, as Slack's
signed form posts need) with at least
`rate * (warmup + duration)` entries; entry i is sent at `start + i / rate`. Latency is
measured from that *scheduled* time, so a stalled server cannot hide its queue (no
coordinated omission). Requests in the warm-up are sent but not counted. The result file
holds per-kind and overall statistics; `send_lag` shows whether the generator itself kept up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

MAX_CONNECTIONS = 1000
ABORT_GRACE_S = 2.0


@dataclass(frozen=True)
class Outcome:
    """What happened to one scheduled request (times in seconds on the loop clock)."""

    kind: str
    scheduled: float
    started: float
    done: float
    status: int  # HTTP status, or 0 for a timeout / transport error
    error: str = ""


async def _send(session: aiohttp.ClientSession, entry: Sequence[str], scheduled: float) -> Outcome:
    kind, method, path, token = entry[:4]
    body: Any = entry[4] if len(entry) > 4 else None
    headers: dict[str, str] = dict(entry[5]) if len(entry) > 5 else {}  # type: ignore[arg-type]
    if token:
        headers["Authorization"] = f"Bearer {token}"
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        async with session.request(method, path, headers=headers, data=body) as response:
            await response.read()
            status = response.status
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        return Outcome(kind, scheduled, started, loop.time(), 0, type(error).__name__)
    return Outcome(kind, scheduled, started, loop.time(), status)


async def generate(
    url: str,
    plan: Sequence[Sequence[str]],
    rate: float,
    total: int,
    request_timeout: float,
    max_backlog: int,
) -> tuple[list[Outcome], bool]:
    """Send `total` requests from the plan at `rate` per second and wait for every answer.

    If more than `max_backlog` requests are outstanding, the server is hopelessly behind: stop
    sending, give the outstanding ones a moment, and count the rest as failed ("aborted").
    Returns the outcomes of the requests sent and whether the run was aborted."""
    if len(plan) < total:
        raise SystemExit(f"the plan has {len(plan)} requests; {total} are needed")
    connector = aiohttp.TCPConnector(limit=MAX_CONNECTIONS, enable_cleanup_closed=True)
    client_timeout = aiohttp.ClientTimeout(total=request_timeout)
    loop = asyncio.get_running_loop()
    aborted = False
    async with aiohttp.ClientSession(
        base_url=url, connector=connector, timeout=client_timeout
    ) as session:
        start = loop.time() + 0.05
        tasks: list[asyncio.Task[Outcome]] = []
        outstanding = [0]

        def finished(_: asyncio.Task[Outcome]) -> None:
            outstanding[0] -= 1

        for i in range(total):
            scheduled = start + i / rate
            delay = scheduled - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if outstanding[0] > max_backlog:
                aborted = True
                break
            task = asyncio.create_task(_send(session, plan[i], scheduled))
            outstanding[0] += 1
            task.add_done_callback(finished)
            tasks.append(task)
        if tasks:
            await asyncio.wait(tasks, timeout=ABORT_GRACE_S if aborted else None)
        outcomes = []
        for task, entry in zip(tasks, plan, strict=False):
            if task.done():
                outcomes.append(task.result())
            else:
                task.cancel()
                now = loop.time()
                outcomes.append(Outcome(entry[0], now, now, now + request_timeout, 0, "aborted"))
        return outcomes, aborted


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (q in 0..100)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarize(outcomes: Sequence[Outcome], rate: float) -> dict[str, Any]:
    """Latency percentiles (ms, from the scheduled time), status counts and achieved rate."""
    if not outcomes:
        return {"requests": 0}
    latencies = sorted((o.done - o.scheduled) * 1000 for o in outcomes)
    lags = sorted((o.started - o.scheduled) * 1000 for o in outcomes)
    statuses: dict[str, int] = {}
    errors: dict[str, int] = {}
    for o in outcomes:
        statuses[str(o.status)] = statuses.get(str(o.status), 0) + 1
        if o.error:
            errors[o.error] = errors.get(o.error, 0) + 1
    ok = sum(1 for o in outcomes if 200 <= o.status < 300)
    first = min(o.scheduled for o in outcomes)
    window = max(max(o.done for o in outcomes) - first, len(outcomes) / rate)
    return {
        "requests": len(outcomes),
        "ok": ok,
        "conflicts": statuses.get("409", 0),
        "failures": len(outcomes) - ok,
        "statuses": statuses,
        "transport_errors": errors,
        "achieved_rps": round(ok / window, 1),
        "latency_ms": {
            "p50": round(_percentile(latencies, 50), 2),
            "p90": round(_percentile(latencies, 90), 2),
            "p99": round(_percentile(latencies, 99), 2),
            "p999": round(_percentile(latencies, 99.9), 2),
            "max": round(latencies[-1], 2),
            "mean": round(sum(latencies) / len(latencies), 2),
        },
        "send_lag_ms": {"p99": round(_percentile(lags, 99), 2), "max": round(lags[-1], 2)},
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Command line entry point: run one fixed-rate step and write its statistics as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--rate", type=float, required=True, help="requests per second")
    parser.add_argument("--duration", type=float, required=True, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds sent, not counted")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")
    parser.add_argument(
        "--abort-backlog",
        type=float,
        default=1.0,
        help="stop when more than this many seconds' worth of requests are outstanding",
    )
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    plan = json.loads(args.plan.read_text())["requests"]
    warm = round(args.rate * args.warmup)
    total = warm + round(args.rate * args.duration)
    wall = time.perf_counter()
    max_backlog = max(20, round(args.rate * args.abort_backlog))
    outcomes, aborted = asyncio.run(
        generate(args.url, plan, args.rate, total, args.timeout, max_backlog)
    )
    wall = time.perf_counter() - wall
    usage = resource.getrusage(resource.RUSAGE_SELF)
    measured = outcomes[warm:] if len(outcomes) > warm else outcomes  # aborted in the warm-up
    kinds = sorted({o.kind for o in measured})
    result = {
        "rate": args.rate,
        "warmup_s": args.warmup,
        "duration_s": args.duration,
        "aborted": aborted,
        "sent": len(outcomes),
        "overall": summarize(measured, args.rate),
        "by_kind": {
            kind: summarize(
                [o for o in measured if o.kind == kind],
                args.rate * sum(1 for o in measured if o.kind == kind) / len(measured),
            )
            for kind in kinds
        },
        "generator_cpu_share": round((usage.ru_utime + usage.ru_stime) / wall, 3),
    }
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
