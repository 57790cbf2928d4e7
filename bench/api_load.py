"""The JSON API under a fixed request rate: accepting mentor requests and reading a member's
connection area, on SQLite and on PostgreSQL, against one `mentorlink serve` worker.

    python -m bench api_load [--quick] [--db sqlite|postgres|both] [--duration S] [--rates ...]

For each database: seed a fresh database through the use cases, start the server in its own
process, then drive it from another process with an open-loop generator (bench/_open_loop.py)
at 200 req/s for each scenario (accept, read, a 50/50 mix), and step the rate up (or down)
to find the highest rate whose p99 stays within 50 ms with no failed request. A step whose
backlog grows past one second of requests is aborted (and fails): the server is hopelessly
behind (such a step cannot pass: a second of backlog means far more than 1% late), and
letting the queue grow only wastes minutes and inflates the server's memory.
Reports p50, p99, max, 409s and failures, the achieved rate, the server's CPU share and its
memory (VmRSS at the end, VmHWM peak). Results: bench/results/api_load.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import _report
from bench._databases import fresh_database, postgres_admin_url
from bench._server import Server, host_cpu_ticks

if TYPE_CHECKING:
    from bench._seed import AcceptTarget, Seeder

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "src"
OPEN_LOOP = HERE / "_open_loop.py"
RESULTS = HERE / "results" / "api_load.json"

TARGET_P99_MS = 50.0
TARGET_RATE = 200
TARGET_RSS_MB = 150
MIN_ACHIEVED = 0.95  # of the scheduled rate, or the step fails
QUIET_HOST = 0.15  # busy share of all CPUs below which a step may start
SCENARIOS = ("accept", "read", "mix")
LADDER = (300, 400, 600, 800, 1200, 1600)
QUICK_LADDER = (400, 800)
MIN_RATE = 10
CONNECTIONS_PATH = "/api/v1/me/connections"
SEED_CONCURRENCY = {"sqlite": 2, "postgres": 8}


@dataclass(frozen=True)
class Config:
    """What one run measures; `budget_s` bounds the whole run (ladders stop early)."""

    databases: tuple[str, ...]
    scenarios: tuple[str, ...]
    ladder: tuple[int, ...]
    resolution: int
    duration_s: float
    warmup_s: float
    readers: int
    mentors: int
    budget_s: float
    postgres_admin_url: str
    out: Path
    workers: int = 1


def parse_args(argv: Sequence[str]) -> Config:
    """Flags after `python -m bench api_load` (the module name itself is ignored)."""
    parser = argparse.ArgumentParser(prog="python -m bench api_load", description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="short steps, a coarse ladder")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--rates", help="ladder above 200 req/s, comma separated")
    parser.add_argument("--resolution", type=int, help="stop bisecting at this gap (25)")
    parser.add_argument("--duration", type=float, help="measured seconds per step (15)")
    parser.add_argument("--warmup", type=float, help="unmeasured seconds before each step (3)")
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--mentors", type=int, default=100)
    parser.add_argument("--budget", type=float, default=540.0, help="seconds for the whole run")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (1)")
    args, _ = parser.parse_known_args([a for a in argv if a != "api_load"])
    scenarios = tuple(s for s in args.scenarios.split(",") if s)
    if unknown := set(scenarios) - set(SCENARIOS):
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    ladder: tuple[int, ...] = QUICK_LADDER if args.quick else LADDER
    if args.rates:
        ladder = tuple(int(r) for r in args.rates.split(","))
    return Config(
        databases=("sqlite", "postgres") if args.db == "both" else (args.db,),
        scenarios=scenarios,
        ladder=tuple(sorted(r for r in ladder if r > TARGET_RATE)),
        resolution=args.resolution or (50 if args.quick else 25),
        duration_s=args.duration or (6.0 if args.quick else 15.0),
        warmup_s=args.warmup or (2.0 if args.quick else 3.0),
        readers=args.readers,
        mentors=args.mentors,
        budget_s=args.budget,
        postgres_admin_url=postgres_admin_url(),
        out=args.out,
        workers=args.workers,
    )


def _plan(
    scenario: str, total: int, targets: Sequence[AcceptTarget], readers: Sequence[str]
) -> list[list[str]]:
    """`total` requests; in the mix, even positions accept and odd ones read."""
    accepts = iter(targets)
    plan = []
    for i in range(total):
        if scenario == "accept" or (scenario == "mix" and i % 2 == 0):
            target = next(accepts)
            path = f"/api/v1/mentor-requests/{target.request_id}/accept"
            plan.append(["accept", "POST", path, target.mentor_token])
        else:
            plan.append(["read", "GET", CONNECTIONS_PATH, readers[i % len(readers)]])
    return plan


def _accepts_needed(scenario: str, total: int) -> int:
    return {"accept": total, "mix": (total + 1) // 2}.get(scenario, 0)


def _passed(result: dict[str, Any], rate: float) -> bool:
    overall = result["overall"]
    return bool(
        not result["aborted"]
        and overall["latency_ms"]["p99"] <= TARGET_P99_MS
        and overall["failures"] == 0
        and overall["achieved_rps"] >= MIN_ACHIEVED * rate
    )


def _share(before: tuple[int, int], after: tuple[int, int]) -> float:
    """Busy share of all CPUs between two `host_cpu_ticks()` readings."""
    busy, total = after[0] - before[0], after[1] - before[1]
    return round(busy / max(1, total), 3)


def _wait_for_quiet_host(patience_s: float = 30.0) -> float:
    """Other work on this 2-core machine skews every number: wait (a while) until the host
    is nearly idle. Returns the busy share of the last one-second look."""
    deadline = time.monotonic() + patience_s
    while True:
        before = host_cpu_ticks()
        time.sleep(1)
        busy = _share(before, host_cpu_ticks())
        if busy <= QUIET_HOST or time.monotonic() > deadline:
            return busy


class DatabaseRun:
    """One database, one server: runs steps and ladders and remembers every result."""

    def __init__(self, name: str, config: Config, server: Server, seeder: Seeder, workdir: Path):
        self.name = name
        self.config = config
        self.server = server
        self.seeder = seeder
        self.workdir = workdir
        self.steps: list[dict[str, Any]] = []
        self.seconds_per_seed = 0.004  # refined after the first cohort
        self.spare: list[AcceptTarget] = []  # pending requests no step has sent yet

    def _step_estimate(self, scenario: str, rate: int) -> float:
        seconds = self.config.warmup_s + self.config.duration_s
        accepts = _accepts_needed(scenario, math.ceil(rate * seconds)) - len(self.spare)
        return seconds + 3 + max(0, accepts) * self.seconds_per_seed

    def _pending_requests(self, needed: int, label: str) -> list[AcceptTarget]:
        """`needed` pending requests: first those an earlier (aborted) step never sent, then
        a freshly seeded cohort for the rest."""
        if len(self.spare) < needed:
            count = needed - len(self.spare) + 20 + needed // 50  # a little margin
            seeded_before = self.seeder.seconds
            self.spare += self.seeder.pending_requests(
                count, mentors=self.config.mentors, label=label
            )
            self.seconds_per_seed = (self.seeder.seconds - seeded_before) / count
        taken, self.spare = self.spare[:needed], self.spare[needed:]
        return taken

    def step(self, scenario: str, rate: int) -> dict[str, Any]:
        """Seed what the step consumes, run the generator once, and record the outcome."""
        config = self.config
        total = round(rate * config.warmup_s) + round(rate * config.duration_s)
        needed = _accepts_needed(scenario, total)
        targets = self._pending_requests(needed, f"{scenario}{rate}") if needed else []
        org = self.seeder.organization(readers=config.readers)
        plan_file = self.workdir / f"plan-{scenario}-{rate}.json"
        plan_file.write_text(
            json.dumps({"requests": _plan(scenario, total, targets, org.reader_tokens)})
        )
        out = self.workdir / f"result-{scenario}-{rate}.json"
        backlog = self.seeder.wait_for_worker()
        busy_before = _wait_for_quiet_host()
        cpu, wall, host = self.server.cpu_seconds(), time.monotonic(), host_cpu_ticks()
        subprocess.run(
            [
                sys.executable, str(OPEN_LOOP), "--url", self.server.url,
                "--plan", str(plan_file), "--rate", str(rate),
                "--duration", str(config.duration_s), "--warmup", str(config.warmup_s),
                "--out", str(out),
            ],
            check=True,
        )  # fmt: skip
        cpu, wall = self.server.cpu_seconds() - cpu, time.monotonic() - wall
        result: dict[str, Any] = json.loads(out.read_text())
        result.update(
            scenario=scenario,
            server_cpu_share=round(cpu / wall, 3),
            server_cpu_ms_per_request=round(cpu * 1000 / max(1, result["sent"]), 2),
            host_cpu_share=_share(host, host_cpu_ticks()),
            host_cpu_share_before=busy_before,
            server_memory_kb=self.server.memory_kb(),
            seeded_requests=len(targets),
            delivery_backlog_at_start=backlog,
        )
        result["passed"] = _passed(result, rate)
        self.spare[:0] = targets[_accepts_needed(scenario, result["sent"]) :]  # never sent
        self.steps.append(result)
        print(_report.table([(self.name, result)]).splitlines()[-1], flush=True)
        return result

    def ladder(
        self, scenario: str, baseline: dict[str, Any], deadline: float
    ) -> tuple[int | None, str]:
        """The highest passing rate: climb the ladder from a passing baseline (or halve from a
        failing one) until a step fails, then bisect down to the configured resolution."""
        passed = bool(baseline["passed"])
        passing, failing = (TARGET_RATE, None) if passed else (None, TARGET_RATE)
        climb = list(self.config.ladder)
        while True:
            if failing is None:
                if not climb:
                    return passing, "every rate in the ladder passed"
                rate = climb.pop(0)
            elif passing is None:
                rate = failing // 2
                if rate < MIN_RATE:
                    return None, f"failed down to {failing} req/s"
            elif failing - passing <= self.config.resolution:
                return passing, f"{failing} req/s failed"
            else:
                rate = _round_rate((passing + failing) / 2)
            if time.monotonic() + self._step_estimate(scenario, rate) > deadline:
                return passing, f"time budget reached before {rate} req/s"
            if self.step(scenario, rate)["passed"]:
                passing = rate
            else:
                failing = rate


def _round_rate(rate: float) -> int:
    return max(5, round(rate / 5) * 5)


def measure_this_checkout() -> str:
    """Make this process, the server and the migrations import *this* checkout's src/, whatever
    the virtualenv's editable install points at. Returns where `adapters` was found."""
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(SOURCE), os.environ.get("PYTHONPATH", "")) if p
    )
    if str(SOURCE) not in sys.path:
        sys.path.insert(0, str(SOURCE))
    import adapters

    found = str(Path(adapters.__file__).resolve().parent.parent)
    if found != str(SOURCE):
        print(f"warning: this process already imported the code in {found}", flush=True)
    return found


def run_database(name: str, config: Config, deadline: float) -> dict[str, Any]:
    """Fresh database, seed, serve, measure, tear down."""
    from bench._seed import Seeder

    with tempfile.TemporaryDirectory(prefix=f"mentorlink-bench-{name}-") as tmp:
        workdir = Path(tmp)
        with fresh_database(name, workdir, config.postgres_admin_url) as url:
            seeder = Seeder(url, concurrency=SEED_CONCURRENCY[name])
            seeder.organization(readers=config.readers)
            print(
                f"-- {name}: seeded {config.readers} readers in {seeder.seconds:.1f} s", flush=True
            )
            server = Server.start(url, workdir / "server.log", workers=config.workers)
            try:
                run = DatabaseRun(name, config, server, seeder, workdir)
                baselines = {s: run.step(s, TARGET_RATE) for s in config.scenarios}
                best: dict[str, int | None] = {}
                why: dict[str, str] = {}
                for scenario in config.scenarios:
                    best[scenario], why[scenario] = run.ladder(
                        scenario, baselines[scenario], deadline
                    )
                memory = server.memory_kb()
            finally:
                server.stop()
    return {
        "steps": run.steps,
        "at_target_rate": baselines,
        "highest_passing_rate": best,
        "ladder_stopped_by": why,
        "server_memory_kb": memory,
        "seed_seconds": round(seeder.seconds, 1),
    }


def _machine() -> dict[str, Any]:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.partition(":")[2].strip()
            break
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "commit": commit,
    }


def main() -> None:
    """Run the benchmark, print the table, write bench/results/api_load.json."""
    config = parse_args(sys.argv[1:])
    source = measure_this_checkout()
    started = time.monotonic()
    results: dict[str, Any] = {}
    for index, name in enumerate(config.databases):
        # Each database gets an equal share of what is left of the budget.
        left = config.budget_s - (time.monotonic() - started)
        deadline = time.monotonic() + left / (len(config.databases) - index)
        try:
            results[name] = run_database(name, config, deadline)
        except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
            print(f"-- {name}: not measured: {error}", flush=True)
            results[name] = {"error": str(error)}
    measured = {n: r for n, r in results.items() if "steps" in r}
    rows = [(n, step) for n, r in measured.items() for step in r["steps"]]
    print()
    print(_report.table(rows))
    for name, result in measured.items():
        for step in result["steps"]:
            if step["scenario"] == "mix":
                print(_report.mix_detail(name, step))
    noisy = sum(1 for _, step in rows if step["host_cpu_share_before"] > QUIET_HOST)
    if noisy:
        print(f"warning: {noisy} step(s) started while other work kept the host busy; rerun")
    print(
        f"target: p99 <= {TARGET_P99_MS:.0f} ms at {TARGET_RATE} req/s, RSS <= {TARGET_RSS_MB} MB"
    )
    for name, result in measured.items():
        print("\n".join(_report.summary(name, result, config.scenarios)))
    command = "python -m bench api_load " + " ".join(a for a in sys.argv[1:] if a != "api_load")
    print(f"command: {command.strip()}   ({time.monotonic() - started:.0f} s)")
    config.out.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "command": command.strip(),
        "machine": _machine(),
        "source": source,
        "target": {"p99_ms": TARGET_P99_MS, "rate": TARGET_RATE, "rss_mb": TARGET_RSS_MB},
        "config": {**asdict(config), "out": str(config.out)},
        "databases": results,
        "seconds": round(time.monotonic() - started, 1),
    }
    config.out.write_text(json.dumps(document, indent=2, default=str))
    print(f"results: {config.out}")


if __name__ == "__main__":
    main()
