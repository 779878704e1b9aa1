"""Runs the real production chain on loopback: start.sh (gunicorn) on PostgreSQL, nginx in front.

Used by the end-to-end tests and the benchmark. Everything listens on free 127.0.0.1 ports and
lives in a temporary folder; each database it creates is dropped again.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import select
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[1]
SERVER_NAME = "api.test"
DAY_SECONDS = 86_400
POSTGRES_ADMIN_URL = os.environ.get("E2E_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
TEMPLATE_VARIABLES = (
    "API_UPSTREAM",
    "SERVER_NAME",
    "HTTP_PORT",
    "HTTPS_PORT",
    "TLS_CERTIFICATE",
    "TLS_CERTIFICATE_KEY",
    "MEDIA_ROOT",
)


def clear_of_midnight(margin_seconds: float = 300) -> None:
    """Returns once the UTC day has `margin_seconds` left. Throttle windows are fixed and a day's
    ends at midnight UTC (apps/core/throttling.py), so a test counting against a per-day limit must
    not straddle it: its count would start again."""
    left = DAY_SECONDS - time.time() % DAY_SECONDS
    if left < margin_seconds:
        time.sleep(left + 1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


# --- PostgreSQL ---------------------------------------------------------------------------------


def _admin_execute(statement: sql.Composable) -> None:
    # CREATE and DROP DATABASE refuse to run in a transaction; psycopg2's `with connection` opens one.
    connection = psycopg2.connect(POSTGRES_ADMIN_URL)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def create_database() -> str:
    """A new, empty database; returns its URL."""
    name = f"e2e_{uuid.uuid4().hex[:12]}"
    _admin_execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    _admin_execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def query(url: str, statement: str) -> list[tuple[Any, ...]]:
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return list(cursor.fetchall())
    finally:
        connection.close()


class TcpProxy:
    """A loopback TCP forwarder the API reaches its database through, so a test can cut the
    database off (every connection reset, new ones refused) and bring it back, without
    touching the PostgreSQL server other work shares.

    One thread per connection owns both its sockets: stop() only shuts them down, and that
    thread closes them. Closing a socket another thread is blocked on would free its file
    descriptor for reuse by a new connection, whose bytes the old thread would then steal.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        with self._lock:
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """The database is gone: refuse new connections and reset the open ones."""
        with self._lock:
            if self._listener is not None:
                self._listener.shutdown(socket.SHUT_RDWR)
                self._listener = None
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self._connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        with listener:
            while True:
                try:
                    client, _ = listener.accept()
                except OSError:
                    return
                threading.Thread(target=self._forward, args=(listener, client), daemon=True).start()

    def _forward(self, listener: socket.socket, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
        except OSError:
            client.close()
            return
        pair = (client, upstream)
        with self._lock:
            if self._listener is not listener:  # stopped while this connection was being made
                pair = ()  # type: ignore[assignment]
            else:
                self._connections.extend(pair)
        peers = {client: upstream, upstream: client}
        with contextlib.suppress(OSError, ValueError):
            while pair:
                readable, _, _ = select.select(pair, [], [])
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        pair = ()  # type: ignore[assignment]
                        break
                    peers[source].sendall(data)
        for sock in (client, upstream):  # reset, as a crashed server's sockets would be
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        with self._lock:
            self._connections = [c for c in self._connections if c not in (client, upstream)]


# --- Processes ----------------------------------------------------------------------------------


@dataclass
class Process:
    popen: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_lines(self) -> list[str]:
        return [line for line in self.log().splitlines() if line.strip()]

    def signal(self, signum: int) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signum)

    def stop(self, timeout: float = 30) -> int | None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        return self.popen.returncode


@dataclass
class Api(Process):
    port: int = 0
    database_url: str = ""
    env: dict[str, str] = field(default_factory=dict)


def api_environment(database_url: str, port: int, workdir: Path, **overrides: str) -> dict[str, str]:
    """Production-like settings, every value set explicitly so a developer's .env cannot leak in."""
    path = f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}"
    env = {
        "PATH": path,
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "ALLOWED_HOSTS": f"{SERVER_NAME},127.0.0.1",
        "BEHIND_PROXY": "true",
        # The production defaults, spelled out so a development .env's relaxations cannot leak in
        # (tests/config/test_settings.py proves they are the defaults).
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
        "SECURE_COOKIES": "true",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_RELOAD": "false",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "THROTTLE_ANON_RATE": "100000/min",
        "THROTTLE_USER_RATE": "100000/min",
        "THROTTLE_AUTH_RATE": "100000/min",
    }
    return env | overrides


def start_api(
    database_url: str, workdir: Path, *, wait: bool = True, args: tuple[str, ...] = (), **overrides: str
) -> Api:
    workdir.mkdir(parents=True, exist_ok=True)
    port = int(overrides.pop("PORT", free_port()))
    env = api_environment(database_url, port, workdir, **overrides)
    log_path = workdir / f"api-{port}.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(
            [str(ROOT / "start.sh"), *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    api = Api(popen=popen, log_path=log_path, port=port, database_url=database_url, env=env)
    if wait:
        wait_until_ready(api)
    return api


def wait_until_ready(api: Api, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if api.popen.poll() is not None:
            raise RuntimeError(f"start.sh exited with {api.popen.returncode}:\n{api.log()}")
        try:
            if get(api.port, "/readyz", host="127.0.0.1").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    api.stop()
    raise RuntimeError(f"the API did not become ready within {timeout}s:\n{api.log()}")


def start_worker(api: Api, workdir: Path, **overrides: str) -> Process:
    """worker.sh with the API's environment (same database and secrets), as a second process type."""
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / f"worker-{uuid.uuid4().hex[:8]}.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(
            [str(ROOT / "worker.sh")],
            cwd=ROOT,
            env=api.env | overrides,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Process(popen=popen, log_path=log_path)


@dataclass
class Nginx(Process):
    http_port: int = 0
    https_port: int = 0
    certificate: Path = Path()


def render_template(values: dict[str, str]) -> str:
    """What `envsubst` does with the variable list in the template's header."""
    text = (ROOT / "nginx" / "api.conf.template").read_text()
    for name in TEMPLATE_VARIABLES:
        text = text.replace("${" + name + "}", values[name])
    leftover = re.findall(r"\$\{[A-Z_]+\}", text)
    assert not leftover, f"unrendered template variables: {leftover}"
    return text


def self_signed_certificate(workdir: Path) -> tuple[Path, Path]:
    certificate, key = workdir / "tls.crt", workdir / "tls.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={SERVER_NAME}",
         "-addext", f"subjectAltName=DNS:{SERVER_NAME}", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


def start_nginx(upstream_port: int, workdir: Path, media_root: Path | None = None) -> Nginx:
    """nginx in front of the API on `upstream_port`; `media_root` is the API's MEDIA_ROOT."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise RuntimeError("nginx is not installed (apt-get install nginx); the chain cannot be tested without it")
    workdir.mkdir(parents=True, exist_ok=True)
    certificate, key = self_signed_certificate(workdir)
    media_root = media_root or workdir / "media"
    http_port, https_port = free_port(), free_port()
    site = render_template(
        {
            "API_UPSTREAM": f"127.0.0.1:{upstream_port}",
            "SERVER_NAME": SERVER_NAME,
            "HTTP_PORT": f"127.0.0.1:{http_port}",
            "HTTPS_PORT": f"127.0.0.1:{https_port}",
            "TLS_CERTIFICATE": str(certificate),
            "TLS_CERTIFICATE_KEY": str(key),
            "MEDIA_ROOT": str(media_root),
        }
    )
    # The rendered site points its access log at the system path; keep it in the work folder.
    site = site.replace("/var/log/nginx/access.log", str(workdir / "nginx-access.log"))
    (workdir / "api.conf").write_text(site)
    user = "user root root;" if os.geteuid() == 0 else ""
    (workdir / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {workdir}/client_body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    include {workdir}/api.conf;
}}
"""
    )
    check = subprocess.run([binary, "-t", "-c", str(workdir / "nginx.conf")], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t refused the rendered config:\n{check.stderr}")
    log_path = workdir / "nginx-stdout.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(
            [binary, "-c", str(workdir / "nginx.conf"), "-g", "daemon off;"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    nginx = Nginx(popen=popen, log_path=log_path, http_port=http_port, https_port=https_port, certificate=certificate)
    if not (wait_for_port(http_port, 10) and wait_for_port(https_port, 10)):
        nginx.stop()
        raise RuntimeError(f"nginx did not listen:\n{(workdir / 'nginx-error.log').read_text()}")
    return nginx


# --- HTTP ---------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _LoopbackHTTPSConnection(http.client.HTTPSConnection):
    """Sends `Host` and TLS SNI for the name given, but always dials 127.0.0.1."""

    def connect(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def tls_context(certificate: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate))


def request(
    method: str,
    port: int,
    path: str,
    *,
    host: str = SERVER_NAME,
    tls: ssl.SSLContext | None = None,
    headers: dict[str, str] | None = None,
    body: Any = None,
    timeout: float = 30,
) -> Response:
    connection: http.client.HTTPConnection
    if tls is not None:
        connection = _LoopbackHTTPSConnection(host, port, context=tls, timeout=timeout)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    all_headers = {"Host": host, **(headers or {})}
    payload = None
    if body is not None:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        all_headers.setdefault("Content-Type", "application/json")
    try:
        connection.request(method, path, body=payload, headers=all_headers)
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


def get(port: int, path: str, **kwargs: Any) -> Response:
    return request("GET", port, path, **kwargs)


def json_lines(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines]


# --- Metrics ------------------------------------------------------------------------------------


def metric_sample(exposition: str, name: str, labels: str = "") -> float:
    """One sample's value in a Prometheus text exposition, `labels` as written there; 0 if absent."""
    selector = re.escape(name) + (rf"\{{{re.escape(labels)}\}}" if labels else "")
    found = re.search(rf"^{selector} (\S+)$", exposition, re.MULTILINE)
    return float(found[1]) if found else 0.0


def listening_ports(pid: int) -> set[int]:
    """The TCP ports a process listens on, matched by socket inode in /proc as `ss -ltnp` does."""
    sockets = set()
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):  # closed between the listing and the read
            target = os.readlink(descriptor)
            if target.startswith("socket:["):
                sockets.add(target[len("socket:[") : -1])
    ports = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            local, state, inode = (line.split()[i] for i in (1, 3, 9))
            if state == "0A" and inode in sockets:  # 0A: LISTEN
                ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports
