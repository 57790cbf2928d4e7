"""The SQLite write-ahead log under sustained load, and which thread syncs to disk.

    python -m bench sqlite_wal [--scenario accept|mix] [--rate 200] [--duration 20]

Seeds a fresh SQLite database, starts `mentorlink serve` under strace (only fsync and
fdatasync are traced, with `--seccomp-bpf`, so the rest of the server runs untouched), drives
it at a fixed rate with the open-loop generator of `api_load`, and meanwhile samples the WAL
every 20 ms from its `-shm` index, in a process of its own (bench/_wal_watch.py says why).
Reports the WAL's length and the part of it not yet checkpointed (p50 / p99 / max, in 4 kB
pages), and every sync per thread and file. The event loop thread (the main thread) syncs the
log once per commit (`synchronous=FULL`: that is what makes the commit durable before it is
acknowledged) but must never sync the database file: that is a checkpoint, whose copying and
sync belong to the checkpoint thread. Results: bench/results/sqlite_wal.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import _report
from bench._databases import fresh_database
from bench._server import Server
from bench._wal_watch import WalSampler, strace_prefix, syncs_by_thread, traced_pid
from bench.api_load import Config, DatabaseRun, measure_this_checkout

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "sqlite_wal.json"
WAL_TARGET_PAGES = 1000  # "short": 4 MB, a quarter of the old 16 MB safety net


def _stop(server: Server, pid: int) -> None:
    """SIGINT the traced server itself (not strace), then let strace finish its log."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGINT)
    server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench sqlite_wal", description=__doc__)
    parser.add_argument("--scenario", choices=("accept", "mix"), default="accept")
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args, _ = parser.parse_known_args([a for a in sys.argv[1:] if a != "sqlite_wal"])
    measure_this_checkout()
    from bench._seed import Seeder

    started = time.monotonic()
    config = Config(
        databases=("sqlite",), scenarios=(args.scenario,), ladder=(), resolution=25,
        duration_s=args.duration, warmup_s=2.0, readers=200, mentors=100, budget_s=600,
        postgres_admin_url="", out=args.out,
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="mentorlink-bench-wal-") as tmp:
        workdir = Path(tmp)
        trace = workdir / "syncs.trace"
        with fresh_database("sqlite", workdir, "") as url:
            database = workdir / "bench.db"
            seeder = Seeder(url, concurrency=2)
            seeder.organization(readers=config.readers)
            server = Server.start(url, workdir / "server.log", prefix=strace_prefix(trace))
            pid = traced_pid(server.process.pid)
            try:
                run = DatabaseRun("sqlite", config, server, seeder, workdir)
                run._pending_requests(  # seed before sampling: only the load is measured
                    round(args.rate * (config.duration_s + config.warmup_s)) + 50, "wal"
                )
                trace.write_text("")  # forget the syncs of start-up
                with WalSampler(database) as sampler:
                    step = run.step(args.scenario, args.rate)
            finally:
                _stop(server, pid)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                (args.out.parent / "sqlite_wal-server.log").write_bytes(server.log.read_bytes())
            syncs = syncs_by_thread(trace, pid)
    wal = sampler.summary(last_s=config.warmup_s + config.duration_s + 1)
    print()
    print(_report.table([("sqlite", step)]))
    print(
        f"WAL under load (4 kB pages, every 20 ms, {wal['samples']} samples): "
        f"p50 {wal['wal_pages_p50']}, p99 {wal['wal_pages_p99']}, max {wal['wal_pages_max']}; "
        f"not yet checkpointed p99 {wal['not_checkpointed_pages_p99']}, "
        f"max {wal['not_checkpointed_pages_max']}; -wal file up to {wal['wal_file_mb_max']} MB"
    )
    for who, calls in syncs.items():
        shown = ", ".join(f"{n} {call}" for call, n in calls.items()) or "none"
        print(f"syncs on the {who}: {shown}")
    loop = syncs["event loop thread"]
    loop_checkpoints = sum(n for call, n in loop.items() if call.endswith(" db"))
    loop_log_syncs = sum(n for call, n in loop.items() if call.endswith(" -wal"))
    short = wal["wal_pages_max"] <= WAL_TARGET_PAGES
    print(
        f"verdict: the event loop thread synced the database file {loop_checkpoints} times "
        f"(a checkpoint; target 0) and the log {loop_log_syncs} times (each commit's own "
        f"durability, {step['sent']} requests sent); WAL peak {wal['wal_pages_max']} pages "
        f"(target <= {WAL_TARGET_PAGES}): {'yes' if loop_checkpoints == 0 and short else 'NO'}"
    )
    command = "python -m bench sqlite_wal " + " ".join(a for a in sys.argv[1:] if a != "sqlite_wal")
    print(f"command: {command.strip()}   ({time.monotonic() - started:.0f} s)")
    document: dict[str, Any] = {
        "command": command.strip(),
        "step": step,
        "wal": wal,
        "syncs": syncs,
        "wal_samples": sampler.samples,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2))
    print(f"results: {args.out}")


if __name__ == "__main__":
    main()
