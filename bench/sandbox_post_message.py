"""How many chat.postMessage calls a second the Slack sandbox serves with limits off.

Starts the sandbox as a uvicorn subprocess (`python -m slack_sandbox --no-rate-limits`),
installs the app through the inspection API, then drives form-encoded chat.postMessage
calls from a separate process with `wrk` (a Lua script sets method, body and token) and
prints calls/second, p50/p99 latency and the exact command. Falls back to an aiohttp
client in a subprocess when `wrk` is not installed.

    .venv/bin/python -m bench sandbox_post_message
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DURATION_S = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
TARGET = 1000.0

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Bearer {token}"
local users = {{"W0ADALOVE", "W0MARIASA", "W0SAMRIVE", "W0LIWEI00", "W0JONGUYE"}}
local n = 0
request = function()
  n = n + 1
  local body = "channel=" .. users[(n % #users) + 1] .. "&text=benchmark+message+" .. n
  return wrk.format(nil, "/api/chat.postMessage", nil, body)
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post_json(url: str, body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        result: dict[str, object] = json.loads(response.read())
        return result


def _get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=30) as response:
        result: dict[str, object] = json.loads(response.read())
        return result


def _start_sandbox(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "slack_sandbox", "--port", str(port), "--no-rate-limits"],
        env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            _get_json(f"http://127.0.0.1:{port}/healthz")
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the sandbox did not start")


def _milliseconds(value: str) -> float:
    number = float(re.sub(r"[a-z]+$", "", value))
    if value.endswith("us"):
        return number / 1000
    if value.endswith("ms"):
        return number
    return number * 1000  # seconds


def _field(pattern: str, output: str) -> str:
    found = re.search(pattern, output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    return found.group(1)


def _run_wrk(url: str, token: str) -> tuple[str, float, float, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.format(token=token))
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION_S}s", "--latency",
               "-s", script.name, url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    rate = float(_field(r"Requests/sec:\s+([\d.]+)", output))
    p50 = _milliseconds(_field(r"^\s+50%\s+(\S+)", output))
    p99 = _milliseconds(_field(r"^\s+99%\s+(\S+)", output))
    if "Non-2xx" in output:
        print(output)
    return " ".join(command), rate, p50, p99


_AIOHTTP_DRIVER = """
import asyncio, sys, time, aiohttp
url, token, duration, conns = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
lat = []
async def worker(session, stop):
    n = 0
    while time.monotonic() < stop:
        n += 1
        t = time.monotonic()
        async with session.post(url + "/api/chat.postMessage", data={"channel": "W0MARIASA",
                "text": f"m{n}"}, headers={"Authorization": "Bearer " + token}) as r:
            await r.read()
        lat.append(time.monotonic() - t)
async def main():
    async with aiohttp.ClientSession() as s:
        stop = time.monotonic() + duration
        await asyncio.gather(*(worker(s, stop) for _ in range(conns)))
asyncio.run(main())
lat.sort()
print(len(lat) / duration, lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.99)] * 1000)
"""


def _run_aiohttp(url: str, token: str) -> tuple[str, float, float, float]:
    command = [sys.executable, "-c", _AIOHTTP_DRIVER, url, token, str(DURATION_S),
               str(CONNECTIONS)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    shown = f"{sys.executable} -c <aiohttp driver> {url} <token> {DURATION_S} {CONNECTIONS}"
    return shown, float(output[0]), float(output[1]), float(output[2])


def main() -> None:
    """Run the benchmark and print the figures."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    sandbox = _start_sandbox(port)
    try:
        token = str(_post_json(f"{base}/_sandbox/installs", {
            "team_id": "T0ACMEENG", "scopes": ["chat:write"],
            "installer": "W0ADALOVE"})["access_token"])
        driver = _run_wrk if shutil.which("wrk") else _run_aiohttp
        command, rate, p50, p99 = driver(base, token)
        calls = _get_json(f"{base}/_sandbox/calls?method=chat.postMessage")
        served = calls["counts"].get("chat.postMessage", 0)  # type: ignore[attr-defined]
        refused = sum(1 for c in calls["calls"] if not c["ok"])  # type: ignore[attr-defined]
        print(f"sandbox: python -m slack_sandbox --port {port} --no-rate-limits")
        print(f"driver:  {command}")
        print(f"chat.postMessage: {rate:,.0f} calls/s  p50 {p50:.2f} ms  p99 {p99:.2f} ms  "
              f"({served:,} calls served, {refused} not ok among the last logged; "
              f"target >= {TARGET:,.0f}/s: "
              f"{'met' if rate >= TARGET else 'NOT met'})")
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)


if __name__ == "__main__":
    main()
