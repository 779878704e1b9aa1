"""`make bench`: the production chain under load on loopback, side by side with two references.

Starts start.sh (gunicorn) on a fresh PostgreSQL database seeded with notes, drives each endpoint
with wrk, and prints requests/s, p50/p99 latency, ratios, SQL queries per request, cold start and
worker memory. Bounded: a few minutes on 2 cores. Prints figures; asserts nothing about speed.
Rows (b) and (c) and the levers measure the example `notes` app; without it they are skipped.
"""

import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from harness import chain

EMAIL, PASSWORD = "bench@example.com", "bench-passphrase-2931"
NOTES = 1000
EXAMPLE_APP = importlib.util.find_spec("apps.notes") is not None
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = 16
WORKERS = str(2 * len(os.sched_getaffinity(0)) + 1)
BENCH_SETTINGS = {
    "WEB_CONCURRENCY": WORKERS,
    "STARTUP_COLLECTSTATIC": "false",  # as in the image: collected at build time
    "SECURE_SSL_REDIRECT": "false",
    "BEHIND_PROXY": "false",
}


@dataclass
class Result:
    name: str
    label: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def _to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(name: str, label: str, url: str, *extra: str, connections: int = CONNECTIONS) -> Result:
    base = ["wrk", "-t2", f"-c{connections}", "--latency", "--timeout", "10s", *extra, url]
    subprocess.run([*base[:1], "-d2s", *base[1:]], check=True, capture_output=True)  # warm-up
    output = subprocess.run([*base[:1], f"-d{DURATION}", *base[1:]], check=True, capture_output=True, text=True).stdout
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    errors += int(m[1]) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    return Result(
        name,
        label,
        float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),  # type: ignore[index]
        _to_ms(re.search(r"\s50%\s+(\S+)", output)[1]),  # type: ignore[index]
        _to_ms(re.search(r"\s99%\s+(\S+)", output)[1]),  # type: ignore[index]
        errors,
    )


def worker_memory_mb(master_pid: int) -> list[tuple[float, float]]:
    """(peak RSS, PSS) in MB of each gunicorn worker. PSS splits pages shared after fork fairly."""
    workers = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            if int(fields["PPid"]) != master_pid:
                continue
            rollup = (status.parent / "smaps_rollup").read_text()
        except (OSError, KeyError, ValueError):
            continue
        peak_kb = int(fields["VmHWM"].split()[0])
        pss_kb = int(re.search(r"^Pss:\s+(\d+)", rollup, re.MULTILINE)[1])  # type: ignore[index]
        workers.append((peak_kb / 1024, pss_kb / 1024))
    return sorted(workers, reverse=True)


def cold_start_seconds(database_url: str, workdir: Path) -> float:
    """From exec of start.sh (migrations applied) to the first 200 on /readyz."""
    started = time.monotonic()
    api = chain.start_api(database_url, workdir, wait=False, **BENCH_SETTINGS)
    try:
        while True:
            try:
                if chain.get(api.port, "/readyz", host="127.0.0.1", timeout=2).status == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            if api.popen.poll() is not None or time.monotonic() - started > 60:
                raise RuntimeError(f"no ready API:\n{api.log()}")
            time.sleep(0.01)
    finally:
        api.stop()


def seed(api: chain.Api) -> tuple[int, str]:
    response = chain.request("POST", api.port, "/api/v1/auth/register/", host="127.0.0.1",
                             body={"email": EMAIL, "password": PASSWORD})  # fmt: skip
    user_id = response.json()["id"]
    if EXAMPLE_APP:
        rows = ",".join(
            f"({user_id}, 'note {i}', 'body of note {i}', false, now() - interval '{i} seconds', now())"
            for i in range(NOTES)
        )
        chain.query(
            api.database_url,
            "INSERT INTO notes_note (owner_id, title, body, is_archived, created_at, updated_at) "
            f"VALUES {rows} RETURNING id",
        )
    tokens = chain.request("POST", api.port, "/api/v1/auth/token/", host="127.0.0.1",
                           body={"email": EMAIL, "password": PASSWORD}).json()  # fmt: skip
    return user_id, tokens["access"]


def query_counts(api: chain.Api) -> dict[str, int]:
    env = {**api.env, "PYTHONPATH": str(chain.ROOT)}
    output = subprocess.run(
        [sys.executable, "-m", "bench.query_counts", EMAIL, PASSWORD], cwd=chain.ROOT, env=env,
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


# Each lever switched off in turn, to show what it is worth for (c).
LEVERS = {
    "persistent database connections": {"CONN_MAX_AGE": "0"},
}


def measure_levers(database_url: str, workdir: Path, user_id: int) -> list[tuple[str, float, float]]:
    """(lever, req/s of (c) without it, req/s of (b) in the same run) for each lever."""
    measured = []
    for index, (lever, settings) in enumerate(LEVERS.items()):
        api = chain.start_api(database_url, workdir / f"lever-{index}", args=("bench.plain_django:application",),
                              **BENCH_SETTINGS, **settings)  # fmt: skip
        try:
            access = chain.request("POST", api.port, "/api/v1/auth/token/", host="127.0.0.1",
                                   body={"email": EMAIL, "password": PASSWORD}).json()["access"]  # fmt: skip
            base = f"http://127.0.0.1:{api.port}"
            plain = wrk("plain", "", f"{base}/bench/plain-notes/?owner={user_id}")
            drf = wrk("drf_list", "", f"{base}/api/v1/notes/", "-H", f"Authorization: Bearer {access}")
        finally:
            api.stop()
        measured.append((lever, drf.requests_per_second, plain.requests_per_second))
    return measured


def measure_metrics_cost(database_url: str, workdir: Path) -> tuple[float, float]:
    """(req/s of (c) with metrics off, req/s with METRICS_PORT set), each on a fresh server."""
    measured = []
    for index, metrics in enumerate(({}, {"METRICS_PORT": str(chain.free_port())})):
        api = chain.start_api(database_url, workdir / f"metrics-{index}", args=("bench.plain_django:application",),
                              **BENCH_SETTINGS, **metrics)  # fmt: skip
        try:
            access = chain.request("POST", api.port, "/api/v1/auth/token/", host="127.0.0.1",
                                   body={"email": EMAIL, "password": PASSWORD}).json()["access"]  # fmt: skip
            auth = ["-H", f"Authorization: Bearer {access}"]
            measured.append(wrk("drf_list", "", f"http://127.0.0.1:{api.port}/api/v1/notes/", *auth))
        finally:
            api.stop()
    return measured[0].requests_per_second, measured[1].requests_per_second


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    database_url = chain.create_database()
    try:
        results: list[Result] = []
        bare = chain.start_api(database_url, workdir / "bare", args=("bench.bare:application",), **BENCH_SETTINGS)
        try:
            results.append(wrk("bare", "(a) bare WSGI, small JSON", f"http://127.0.0.1:{bare.port}/"))
        finally:
            bare.stop()

        api = chain.start_api(database_url, workdir / "api", args=("bench.plain_django:application",), **BENCH_SETTINGS)
        try:
            user_id, access = seed(api)
            base = f"http://127.0.0.1:{api.port}"
            auth = ["-H", f"Authorization: Bearer {access}"]
            if EXAMPLE_APP:
                plain_url = f"{base}/bench/plain-notes/?owner={user_id}"
                results.append(wrk("plain", "(b) plain Django view, 20 rows", plain_url))
                results.append(wrk("drf_list", "(c) DRF list, JWT, page of 20", f"{base}/api/v1/notes/", *auth))
            results.append(wrk("healthz", "(d) /healthz", f"{base}/healthz"))
            # Each obtain hashes a password (~0.25 s of CPU by design): one connection per worker.
            token_script = str(chain.ROOT / "bench" / "token.lua")
            results.append(
                wrk(
                    "token",
                    "(e) token obtain",
                    f"{base}/api/v1/auth/token/",
                    "-s",
                    token_script,
                    connections=int(WORKERS),
                )
            )
            memory = worker_memory_mb(api.popen.pid)
            queries = query_counts(api)
        finally:
            api.stop()
        levers = measure_levers(database_url, workdir, user_id) if EXAMPLE_APP else []
        metrics_off, metrics_on = measure_metrics_cost(database_url, workdir)
        cold = [cold_start_seconds(database_url, workdir / f"cold-{i}") for i in range(3)]
    finally:
        chain.drop_database(database_url)
        shutil.rmtree(workdir, ignore_errors=True)

    report(results, queries, memory, cold)
    if not EXAMPLE_APP:
        print("\n(b), (c) and the levers measure the example notes app, which is not installed.")
        return 0
    by_name = {r.name: r for r in results}
    drf_rps, plain_rps = by_name["drf_list"].requests_per_second, by_name["plain"].requests_per_second
    print("\nEach lever switched off in turn, (c) against (b) measured in the same run:")
    print("| without | (c) req/s | (c)/(b) |")
    print("|---|---:|---:|")
    print(f"| (nothing: all levers on) | {drf_rps:,.0f} | {drf_rps / plain_rps:.2f} |")
    for lever, lever_drf_rps, lever_plain_rps in levers:
        print(f"| {lever} | {lever_drf_rps:,.0f} | {lever_drf_rps / lever_plain_rps:.2f} |")
    overhead = 1 - metrics_on / metrics_off
    print(f"\n(c) with Prometheus metrics off / on: {metrics_off:,.0f} / {metrics_on:,.0f} req/s, overhead "
          f"{overhead:.1%}   (target < 10%: {'met' if overhead < 0.10 else 'MISSED'})")  # fmt: skip
    return 0


def report(
    results: list[Result], queries: dict[str, int], memory: list[tuple[float, float]], cold: list[float]
) -> None:
    by_name = {r.name: r for r in results}
    ceiling = by_name["bare"].requests_per_second
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    cores = len(os.sched_getaffinity(0))
    print(f"\nMachine: {cores} cores ({cpu}), Python {sys.version.split()[0]}, gunicorn sync x {WORKERS} workers, "
          f"wrk -t2 -c{CONNECTIONS} -d{DURATION}, PostgreSQL on loopback\n")  # fmt: skip
    print("| endpoint | req/s | p50 ms | p99 ms | vs (a) | SQL/request | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r.label} | {r.requests_per_second:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
              f"{r.requests_per_second / ceiling:.2f} | {queries[r.name]} | {r.errors} |")  # fmt: skip
    cold_median = statistics.median(cold)
    peak = max(m[0] for m in memory)
    print()
    if EXAMPLE_APP:
        drf = by_name["drf_list"]
        ratio = drf.requests_per_second / by_name["plain"].requests_per_second
        tail = drf.p99_ms / drf.p50_ms
        print(f"(c)/(b) throughput: {ratio:.2f}   (target >= 0.5: {'met' if ratio >= 0.5 else 'MISSED'})")
        print(f"(c) p99/p50 at {CONNECTIONS} connections: {tail:.2f}   "
              f"(target <= 2: {'met' if tail <= 2 else 'MISSED'})")  # fmt: skip
    runs = ", ".join(f"{c:.2f}" for c in cold)
    print(f"cold start, start.sh to first 200 on /readyz: median {cold_median:.2f}s of {runs}"
          f"   (target < 2s: {'met' if cold_median < 2 else 'MISSED'})")  # fmt: skip
    print(f"worker memory after load (peak RSS / PSS, MB): {', '.join(f'{r:.0f}/{p:.0f}' for r, p in memory)}"
          f"   (target <= 100 MB: {'met' if peak <= 100 else 'MISSED'})")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
