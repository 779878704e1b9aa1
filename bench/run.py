"""`make bench`: the production chain under load on loopback, side by side with two references.

Starts start.sh (gunicorn) on a fresh PostgreSQL database seeded with notes, drives each endpoint
with wrk, and prints requests/s, p50/p99 latency, ratios, SQL queries per request, cold start and
worker memory. Bounded: a few minutes on 2 cores. Prints figures; asserts nothing about speed.
Rows (b) and (c) and the levers measure the example `notes` app; without it they are skipped.
"""

import contextlib
import importlib.util
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2
import redis

from config.gunicorn import DEFAULT_MAX_REQUESTS, DEFAULT_MAX_REQUESTS_JITTER, DEFAULT_WORKERS
from harness import chain

EMAIL, PASSWORD = "bench@example.com", "bench-passphrase-2931"
BIG_EMAIL = "bench-big@example.com"  # the owner of the big table's notes
NOTES = 1000
EXAMPLE_APP = importlib.util.find_spec("apps.notes") is not None
BIG_TABLE_NOTES = int(os.environ.get("BENCH_BIG_TABLE_NOTES", "1000000"))
DURATION = os.environ.get("BENCH_DURATION", "4s")
# Compared figures come from rounds taken in turn (a disturbance hits every contender alike); each
# figure is the median round.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
CONNECTIONS = 16
CORES = len(os.sched_getaffinity(0))
# The worker counts (c) is measured at besides the default (config/gunicorn.py), which it chooses.
WORKER_COUNTS = {"2 x cores + 1": 2 * CORES + 1, "cores + 1": CORES + 1, "cores": CORES}
# The production configuration: Redis holds the cache and the throttle counters (compose, Kubernetes).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
BENCH_SETTINGS = {
    # config/gunicorn.py's defaults, set explicitly so a developer's .env cannot change them here
    "WEB_CONCURRENCY": str(DEFAULT_WORKERS),
    "GUNICORN_MAX_REQUESTS": str(DEFAULT_MAX_REQUESTS),
    "GUNICORN_MAX_REQUESTS_JITTER": str(DEFAULT_MAX_REQUESTS_JITTER),
    "STARTUP_COLLECTSTATIC": "false",  # as in the image: collected at build time
    "SECURE_SSL_REDIRECT": "false",
    "BEHIND_PROXY": "false",
    # Throttles on, never reached: each request counts in its one-second window (one atomic
    # increment, apps/core/throttling.py), which costs the same at any rate.
    "THROTTLE_ANON_RATE": "100000/s",
    "THROTTLE_USER_RATE": "100000/s",
    # One token a server lasts the whole run (the lifetime changes no request's cost).
    "JWT_ACCESS_TOKEN_LIFETIME": "3600",
}


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors and non-2xx answers
    boots: int  # workers booted during the measured run(s) (recycled by max_requests, or crashed)
    cpu_ms: float = 0.0  # CPU time the server (gunicorn's master and workers) spent per request
    rounds: tuple[float, ...] = ()  # req/s of each round, when taken in rounds


@dataclass
class Load:
    """What one wrk run drives: a path of one server."""

    api: chain.Api
    path: str
    extra: tuple[str, ...] = ()
    connections: int = CONNECTIONS


def _to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def boots(api: chain.Api) -> int:
    return api.log().count("Booting worker")


def server_cpu_seconds(master_pid: int) -> float:
    """User and system CPU time of gunicorn's master and its workers, exited workers included.

    Unlike requests/s, it does not depend on how the scheduler shares the cores with wrk and the
    database, so it is the steadier figure for comparing two configurations' cost per request."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        if pid == master_pid:
            ticks += sum(int(n) for n in fields[11:15])  # utime, stime, and those of exited children
        elif parent == master_pid:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(load: Load, *, warm_up: bool = True) -> Result:
    url = f"http://127.0.0.1:{load.api.port}{load.path}"
    command = ["wrk", "-t2", f"-c{load.connections}", "--latency", "--timeout", "10s", *load.extra, url]
    if warm_up:
        subprocess.run([*command[:1], "-d2s", *command[1:]], check=True, capture_output=True)
    booted, cpu = boots(load.api), server_cpu_seconds(load.api.popen.pid)
    output = subprocess.run([*command[:1], f"-d{DURATION}", *command[1:]], check=True, capture_output=True,
                            text=True).stdout  # fmt: skip
    cpu = server_cpu_seconds(load.api.popen.pid) - cpu
    served = int(re.search(r"(\d+) requests in", output)[1])  # type: ignore[index]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    errors += int(m[1]) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    return Result(
        float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),  # type: ignore[index]
        _to_ms(re.search(r"\s50%\s+(\S+)", output)[1]),  # type: ignore[index]
        _to_ms(re.search(r"\s99%\s+(\S+)", output)[1]),  # type: ignore[index]
        errors,
        boots(load.api) - booted,
        cpu * 1000 / served if served else 0.0,
    )


def interleaved(loads: dict[str, Load]) -> dict[str, Result]:
    """Every load ROUNDS times, one after the other in turn; for each, its median round (by req/s),
    with the errors and worker boots of all its rounds and the median CPU time a request."""
    rounds: dict[str, list[Result]] = {name: [] for name in loads}
    for round_number in range(ROUNDS):
        for name, load in loads.items():
            rounds[name].append(wrk(load, warm_up=round_number == 0))
    medians = {}
    for name, results in rounds.items():
        median = sorted(results, key=lambda r: r.requests_per_second)[len(results) // 2]
        median.errors, median.boots = sum(r.errors for r in results), sum(r.boots for r in results)
        median.rounds = tuple(r.requests_per_second for r in results)
        median.cpu_ms = statistics.median(r.cpu_ms for r in results)
        medians[name] = median
    return medians


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


def execute(database_url: str, statement: str) -> None:
    connection = psycopg2.connect(database_url)
    try:
        with connection, connection.cursor() as cursor:  # `with connection` commits
            cursor.execute(statement)
    finally:
        connection.close()


def add_notes(database_url: str, owner_id: int, first: int, last: int) -> None:
    """Notes number first..last-1 of the owner, note i created i seconds ago."""
    execute(
        database_url,
        "INSERT INTO notes_note (owner_id, title, body, is_archived, created_at, updated_at, attachment, "
        "attachment_content_type) "
        f"SELECT {owner_id}, 'note ' || i, 'body of note ' || i, false, now() - i * interval '1 second', now(), "
        "'', '' "
        f"FROM generate_series({first}, {last - 1}) AS i",
    )
    execute(database_url, "ANALYZE notes_note")


def register(api: chain.Api, email: str) -> int:
    response = chain.request("POST", api.port, "/api/v1/auth/register/", host="127.0.0.1",
                             body={"email": email, "password": PASSWORD})  # fmt: skip
    user_id: int = response.json()["id"]
    return user_id


def bearer(api: chain.Api, email: str = EMAIL) -> tuple[str, ...]:
    tokens = chain.request("POST", api.port, "/api/v1/auth/token/", host="127.0.0.1",
                           body={"email": email, "password": PASSWORD}).json()  # fmt: skip
    return ("-H", f"Authorization: Bearer {tokens['access']}")


def in_process(api: chain.Api, module: str, *args: str, **variables: str) -> Any:
    """Runs `python -m <module> args` with the server's environment (plus `variables`) and returns
    the JSON its last line prints: the bench's one-process measurements."""
    env = {**api.env, "PYTHONPATH": str(chain.ROOT), **variables}
    output = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=chain.ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def query_counts(api: chain.Api) -> dict[str, int]:
    counts: dict[str, int] = in_process(api, "bench.query_counts", EMAIL, PASSWORD)
    return counts


def metrics_cost_ms(api: chain.Api) -> tuple[float, float]:
    """(c)'s milliseconds a request with metrics off and on, in one process (bench/metrics_cost.py)."""
    with tempfile.TemporaryDirectory(prefix="bench-metrics-") as samples:
        cost = in_process(api, "bench.metrics_cost", EMAIL, METRICS_PORT=str(chain.free_port()),
                          PROMETHEUS_MULTIPROC_DIR=samples)  # fmt: skip
    return cost["off_ms"], cost["on_ms"]


def list_cost_ms(api: chain.Api) -> dict[str, float]:
    """Milliseconds a request of (b), (c) and (c) with parts replaced, in one process (bench/list_cost.py)."""
    costs: dict[str, float] = in_process(api, "bench.list_cost", EMAIL)
    return costs


def serve(database_url: str, workdir: Path, **settings: str) -> chain.Api:
    """The API with the plain-Django reference beside it, on this project's gunicorn defaults."""
    return chain.start_api(database_url, workdir / f"api-{chain.free_port()}", args=("bench.plain_django:application",),
                           **(BENCH_SETTINGS | settings))  # fmt: skip


def plain_list(api: chain.Api, owner_id: int) -> Load:
    return Load(api, f"/bench/plain-notes/?owner={owner_id}")


def drf_list(api: chain.Api, email: str = EMAIL) -> Load:
    return Load(api, "/api/v1/notes/", bearer(api, email))


# Each lever switched off in turn, to show what it is worth for (c).
LEVERS = {
    "persistent database connections": {"CONN_MAX_AGE": "0"},
}


def production_settings() -> dict[str, str]:
    """Redis for the cache and the throttle counters, under a key prefix of this run's own."""
    return {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": f"bench-{uuid.uuid4().hex[:12]}"}


def forget_redis_keys(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def cold_start_seconds(database_url: str, workdir: Path, **settings: str) -> tuple[float, float]:
    """(seconds to gunicorn's port accepting, seconds to the first 200 on /readyz) from exec of
    start.sh (migrations applied). The master listens once it has loaded the app (preload), so
    the first figure is the release steps plus the app's import; the rest is a fork and a request."""
    started = time.monotonic()
    api = chain.start_api(database_url, workdir / f"cold-{chain.free_port()}", wait=False,
                          **(BENCH_SETTINGS | settings))  # fmt: skip
    listening = None
    try:
        while True:
            if listening is None:
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", api.port)) == 0:
                        listening = time.monotonic() - started
            else:
                try:
                    if chain.get(api.port, "/readyz", host="127.0.0.1", timeout=2).status == 200:
                        return listening, time.monotonic() - started
                except OSError:
                    pass
            if api.popen.poll() is not None or time.monotonic() - started > 60:
                raise RuntimeError(f"no ready API:\n{api.log()}")
            time.sleep(0.005)
    finally:
        api.stop()


def production_environment(workdir: Path) -> str:
    """PATH for a virtual environment of the production lock alone, installed as the image installs
    it. Cold start is measured there: the development lock adds packages DRF imports at start-up
    whenever they are installed (requests, pygments), a tenth of a second no deployment pays."""
    venv = workdir / "production-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--require-hashes", "-r", chain.ROOT / "requirements" / "production.txt"], check=True,
    )  # fmt: skip
    return f"{venv / 'bin'}:{os.environ['PATH']}"


MAIN_ROWS = {  # name (as bench/query_counts.py counts it): label
    "bare": "(a) bare WSGI, small JSON",
    "plain": "(b) plain Django view, 20 rows",
    "drf_list": "(c) DRF list, JWT, page of 20",
    "healthz": "(d) /healthz",
}


@dataclass
class Figures:
    main: dict[str, Result]  # the table's rows (a) to (d), by the names in MAIN_ROWS
    queries: dict[str, int]
    memory: list[tuple[float, float]]
    cold: dict[str, list[tuple[float, float]]]
    accounts: dict[str, list[Result]]
    compared: dict[str, Result]  # (b) and (c) in each configuration, measured in turn
    metrics_cost: tuple[float, float]  # (c) ms a request with metrics off and on, in one process
    list_cost: dict[str, float]  # ms a request of (b), (c) and (c) with parts replaced, in one process
    big_table: dict[str, Result]


def measure(database_url: str, workdir: Path, servers: contextlib.ExitStack) -> Figures:
    def start(**settings: str) -> chain.Api:
        api = serve(database_url, workdir, **settings)
        servers.callback(api.stop)
        return api

    bare = chain.start_api(database_url, workdir / "bare", args=("bench.bare:application",), **BENCH_SETTINGS)
    try:
        main = {"bare": wrk(Load(bare, "/"))}
    finally:
        bare.stop()
    default = start()
    user_id = register(default, EMAIL)
    compared: dict[str, Result] = {}
    metrics_cost = (0.0, 0.0)
    list_cost: dict[str, float] = {}
    if EXAMPLE_APP:
        add_notes(database_url, user_id, 0, NOTES)
        metrics_cost = metrics_cost_ms(default)
        list_cost = list_cost_ms(default)
        loads = {"(b) default": plain_list(default, user_id), "(c) default": drf_list(default)}
        for label, count in WORKER_COUNTS.items():
            if count != DEFAULT_WORKERS:
                loads[f"(c) {count} workers ({label})"] = drf_list(start(WEB_CONCURRENCY=str(count)))
        loads["(c) never recycled"] = drf_list(start(GUNICORN_MAX_REQUESTS="0"))
        loads["(c) metrics on"] = drf_list(start(METRICS_PORT=str(chain.free_port())))
        production = production_settings()
        servers.callback(forget_redis_keys, production["CACHE_KEY_PREFIX"])
        in_production = start(**production)
        loads |= {"(b) production": plain_list(in_production, user_id), "(c) production": drf_list(in_production)}
        for lever, settings in LEVERS.items():
            without = start(**settings)
            loads |= {f"(b) without {lever}": plain_list(without, user_id), f"(c) without {lever}": drf_list(without)}
        compared = interleaved(loads)
        main["plain"], main["drf_list"] = compared["(b) default"], compared["(c) default"]
    main["healthz"] = wrk(Load(default, "/healthz"))
    memory = worker_memory_mb(default.popen.pid)
    queries = query_counts(default)
    accounts = measure_accounts(database_url, workdir)
    big_table: dict[str, Result] = {}
    if EXAMPLE_APP:
        big_owner = register(default, BIG_EMAIL)
        add_notes(database_url, big_owner, 0, BIG_TABLE_NOTES)
        big_table = interleaved(
            {f"{NOTES:,} notes": drf_list(default), f"{BIG_TABLE_NOTES:,} notes": drf_list(default, BIG_EMAIL)}
        )
    cold = {}
    # The development lock is this interpreter's environment, which the harness puts first on PATH.
    for lock, path in (("production", {"PATH": production_environment(workdir)}), ("development", {})):
        for label, migrate in (("STARTUP_MIGRATE=false", "false"), ("migration check, nothing to do", "true")):
            cold[f"{lock} lock, {label}"] = [
                cold_start_seconds(database_url, workdir, STARTUP_MIGRATE=migrate, **path) for _ in range(5)
            ]
    return Figures(main, queries, memory, cold, accounts, compared, metrics_cost, list_cost, big_table)


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    database_url = chain.create_database()
    try:
        with contextlib.ExitStack() as servers:
            figures = measure(database_url, workdir, servers)
    finally:
        chain.drop_database(database_url)
        shutil.rmtree(workdir, ignore_errors=True)
    report(figures)
    report_accounts(figures.accounts, token_queries=figures.queries["token"])
    if EXAMPLE_APP:
        report_compared(figures.compared, figures.metrics_cost, figures.big_table)
        report_list_cost(figures.list_cost)
    else:
        print("\n(b), (c), the worker counts and the levers measure the example notes app, which is not installed.")
    return 0


# Password hashing (~0.25 s of CPU each, by design) dominates these: one connection a worker.
ACCOUNT_REQUESTS = {
    "register, new address": ("/api/v1/auth/register/", "register.lua"),
    "register, taken address": ("/api/v1/auth/register/", "register_taken.lua"),
    "token obtain": ("/api/v1/auth/token/", "token.lua"),
}


def measure_accounts(database_url: str, workdir: Path) -> dict[str, list[Result]]:
    """Each account request with REGISTRATION_REQUIRE_EMAIL_VERIFICATION off, then on.

    Off is the flow before email verification: a taken address is refused at once (400), which
    tells anyone that it has an account. On, it answers like a new address (hashing a password and
    queueing an email for the worker, which is not running here), so the two must take as long.
    """
    execute(database_url, f"UPDATE users_user SET email_verified = true WHERE email = '{EMAIL}'")
    measured: dict[str, list[Result]] = {label: [] for label in ACCOUNT_REQUESTS}
    for verification in ("false", "true"):
        api = serve(database_url, workdir, REGISTRATION_REQUIRE_EMAIL_VERIFICATION=verification)
        try:
            for label, (path, script) in ACCOUNT_REQUESTS.items():
                lua = str(chain.ROOT / "bench" / script)
                measured[label].append(wrk(Load(api, path, ("-s", lua), connections=DEFAULT_WORKERS)))
        finally:
            api.stop()
    return measured


def report_accounts(accounts: dict[str, list[Result]], *, token_queries: int) -> None:
    print("\nAccounts, REGISTRATION_REQUIRE_EMAIL_VERIFICATION off (before verification) and on, "
          f"{DEFAULT_WORKERS} connections:")  # fmt: skip
    print("| request | off: req/s | off: p50 ms | off: non-2xx | on: req/s | on: p50 ms | on: non-2xx |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, (off, on) in accounts.items():
        print(f"| {label} | {off.requests_per_second:,.1f} | {off.p50_ms:,.0f} | {off.errors} | "
              f"{on.requests_per_second:,.1f} | {on.p50_ms:,.0f} | {on.errors} |")  # fmt: skip
    new, taken = accounts["register, new address"][1], accounts["register, taken address"][1]
    print(
        f"verification on, p50 of a taken address against a new one: {taken.p50_ms / new.p50_ms:.2f}   "
        "(the same answer in about the same time: no account enumeration)"
    )
    print(f"token obtain: {token_queries} SQL queries a request")


def report_compared(
    compared: dict[str, Result], metrics_cost: tuple[float, float], big_table: dict[str, Result]
) -> None:
    print(f"\nMeasured in turn, {ROUNDS} rounds each, the median round; (c) by server configuration "
          f"({CORES} cores; default {DEFAULT_WORKERS} workers, config/gunicorn.py):")  # fmt: skip
    print("| server | (c) req/s | p50 ms | p99 ms | p99/p50 | server CPU ms/req | worker boots | req/s of each round |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for label, r in compared.items():
        if label.startswith("(c)"):
            print(f"| {label[4:]} | {r.requests_per_second:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
                  f"{r.p99_ms / r.p50_ms:.2f} | {r.cpu_ms:.2f} | {r.boots} | "
                  f"{', '.join(f'{x:.0f}' for x in r.rounds)} |")  # fmt: skip

    print("\n(c)/(b), each pair from the same server:")
    print("| configuration | (b) req/s | (c) req/s | (c)/(b) | target >= 0.6 |")
    print("|---|---:|---:|---:|---|")
    configurations = {
        "local default (local-memory cache)": "default",
        "production (REDIS_URL: cache and throttles in Redis)": "production",
        **{f"without {lever}": f"without {lever}" for lever in LEVERS},
    }
    for label, server in configurations.items():
        b, c = compared[f"(b) {server}"], compared[f"(c) {server}"]
        ratio = c.requests_per_second / b.requests_per_second
        verdict = ("met" if ratio >= 0.6 else "MISSED") if server in ("default", "production") else "(a lever)"
        print(f"| {label} | {b.requests_per_second:,.0f} | {c.requests_per_second:,.0f} | {ratio:.2f} | {verdict} |")

    off_ms, on_ms = metrics_cost
    overhead = on_ms / off_ms - 1
    off, on = compared["(c) default"], compared["(c) metrics on"]
    print(f"\n(c) with Prometheus metrics off / on, in one process in alternating blocks: {off_ms:.2f} / {on_ms:.2f} "
          f"ms a request, overhead {overhead:.1%}   (target < 10%: {'met' if overhead < 0.10 else 'MISSED'}); "
          f"between the two servers above (noisier): {off.cpu_ms:.2f} / {on.cpu_ms:.2f} ms of server CPU a request, "
          f"{off.requests_per_second:,.0f} / {on.requests_per_second:,.0f} req/s")  # fmt: skip

    (small_label, small), (big_label, big) = big_table.items()
    change = big.requests_per_second / small.requests_per_second - 1
    print(f"\n(c) for the owner of {big_label} against the owner of {small_label}, one table of "
          f"{NOTES + BIG_TABLE_NOTES:,}, in turn: {big.requests_per_second:,.0f} against "
          f"{small.requests_per_second:,.0f} req/s ({change:+.0%}; target within 10%: "
          f"{'met' if abs(change) <= 0.10 else 'MISSED'})")  # fmt: skip


def report_list_cost(list_cost: dict[str, float]) -> None:
    print("\nWhere (c)'s time goes: in one process, straight through the WSGI handler, in turn; each part "
          "replaced by its cheapest stand-in (bench/list_cost.py):")  # fmt: skip
    print("| variant | ms a request | (b)'s ms / its ms |")
    print("|---|---:|---:|")
    for name, ms in list_cost.items():
        print(f"| {name} | {ms:.2f} | {list_cost['(b)'] / ms:.2f} |")


def report(figures: Figures) -> None:
    ceiling = figures.main["bare"].requests_per_second
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    print(f"\nMachine: {CORES} cores ({cpu}), Python {sys.version.split()[0]}, gunicorn sync x {DEFAULT_WORKERS} "
          f"workers (max_requests {DEFAULT_MAX_REQUESTS} + jitter {DEFAULT_MAX_REQUESTS_JITTER}), "
          f"wrk -t2 -c{CONNECTIONS} -d{DURATION}, PostgreSQL on loopback; (b) and (c) the median of "
          f"{ROUNDS} rounds\n")  # fmt: skip
    print("| endpoint | req/s | p50 ms | p99 ms | vs (a) | SQL/request | errors | worker boots |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in figures.main.items():
        queries = figures.queries[name]
        print(f"| {MAIN_ROWS[name]} | {r.requests_per_second:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
              f"{r.requests_per_second / ceiling:.2f} | {queries} | {r.errors} | {r.boots} |")  # fmt: skip
    peak = max(m[0] for m in figures.memory)
    print()
    if EXAMPLE_APP:
        drf = figures.main["drf_list"]
        tail = drf.p99_ms / drf.p50_ms
        print(f"(c) p99/p50 at {CONNECTIONS} connections: {tail:.2f}, {drf.boots} worker boots in its rounds   "
              f"(target <= 2: {'met' if tail <= 2 else 'MISSED'})")  # fmt: skip
    for label, runs in figures.cold.items():
        median = statistics.median(first for _, first in runs)
        listening = statistics.median(listen for listen, _ in runs)
        # The targets are the image's: the development lock's figures are printed for comparison.
        target = 0.5 if "STARTUP_MIGRATE=false" in label else 0.8
        verdict = ("met" if median <= target else "MISSED") if label.startswith("production") else "not a target"
        print(f"cold start, start.sh to first 200 on /readyz, {label}: median {median:.2f}s of "
              f"{', '.join(f'{first:.2f}' for _, first in runs)}, listening at {listening:.2f}s   "
              f"(target <= {target}s: {verdict})")  # fmt: skip
    print(f"worker memory after load (peak RSS / PSS, MB): "
          f"{', '.join(f'{r:.0f}/{p:.0f}' for r, p in figures.memory)}"
          f"   (target <= 100 MB: {'met' if peak <= 100 else 'MISSED'})")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
