"""Behind the documented reverse proxy: the lockout and the audit see the client, not the proxy.

A real gunicorn serves the application on a file SQLite database, with TRUSTED_PROXY_COUNT=1 (one
nginx in front). The requests carry the X-Forwarded-For that nginx's `$proxy_add_x_forwarded_for`
writes: whatever the client sent, then the address nginx saw.
"""

import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests import factories

BASE_DIR = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"
# Bounded: the whole module gives up rather than hang on a server that does not answer.
START_TIMEOUT = 60
REQUEST_TIMEOUT = 20

ATTACKER = "203.0.113.5"
COLLEAGUE = "198.51.100.7"

SETUP_SCRIPT = """
import django
django.setup()
from tests import factories
unit = factories.facility(code="upb-proxy")
factories.user(role="therapist", facility=unit, username="therese")
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(port, path of the SQLite file) of a gunicorn serving the application behind one trusted proxy."""
    var_dir = tmp_path_factory.mktemp("proxy-var")
    database = var_dir / "unit.sqlite3"
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}}
    env.update({"VAR_DIR": str(var_dir), "DATABASE_URL": f"sqlite:///{database}", "PROFILE": "development",
                "DEMO_MODE": "0", "DJANGO_SETTINGS_MODULE": "config.settings", "TRUSTED_PROXY_COUNT": "1",
                "PYTHONPATH": str(BASE_DIR)})
    run = {"cwd": BASE_DIR, "env": env, "check": True, "timeout": START_TIMEOUT, "capture_output": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], **run)
    subprocess.run([sys.executable, "-c", SETUP_SCRIPT], **run)

    port = _free_port()
    log = (var_dir / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--timeout", "60"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if _request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start:\n" + (var_dir / "gunicorn.log").read_text())
            time.sleep(0.2)
        yield port, database
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        log.close()


def _request(port: int, method: str, path: str, *, headers: dict | None = None, body: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Set-Cookie", ""), response.read()
    finally:
        connection.close()


class Browser:
    """One client behind nginx: its own cookies, and the X-Forwarded-For nginx writes for it."""

    def __init__(self, port: int, forwarded_for: str):
        self.port = port
        self.forwarded_for = forwarded_for
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, body: str | None = None, **headers) -> int:
        headers["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        status, set_cookie, _content = _request(self.port, method, path, headers=headers, body=body)
        for name, morsel in SimpleCookie(set_cookie).items():
            self.cookies[name] = morsel.value
        return status

    def get(self, path: str) -> int:
        return self._send("GET", path)

    def login(self, username: str, password: str) -> int:
        """200: form again (wrong password); 302: signed in; 429: locked out."""
        self.get(LOGIN)
        body = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrfmiddlewaretoken": self.cookies["csrftoken"]})
        return self._send("POST", LOGIN, body, **{"Content-Type": "application/x-www-form-urlencoded"})


def _rows(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


def test_lockout_and_audit_see_the_forwarded_client_not_the_proxy(server):
    port, database = server
    attacker = Browser(port, ATTACKER)
    statuses = [attacker.login("therese", "wrong-password-000") for _attempt in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert attacker.login("therese", factories.PASSWORD) == 429
    addresses = {address for (address,) in _rows(database, "SELECT ip_address FROM axes_accessattempt")}
    assert ATTACKER in addresses and "127.0.0.1" not in addresses

    # The attacker writes a colleague's address in its own X-Forwarded-For; nginx appends the real one,
    # the rightmost entry, and that is the one the lockout reads.
    spoofing = Browser(port, f"{COLLEAGUE}, {ATTACKER}")
    assert spoofing.login("therese", factories.PASSWORD) == 429

    # The same user from another client still signs in, and the audit records that client.
    colleague = Browser(port, COLLEAGUE)
    assert colleague.login("therese", factories.PASSWORD) == 302
    assert colleague.get("/admissions/families/?q=dupont") == 200
    assert _rows(database, "SELECT ip FROM unit_auditentry") == [(COLLEAGUE,)]


def test_an_address_spoofed_by_the_client_does_not_escape_its_lockout(server):
    port, _database = server
    rotating = [Browser(port, f"192.0.2.{n}, 203.0.113.9") for n in range(6)]
    statuses = [browser.login("therese", "wrong-password-000") for browser in rotating[:5]]
    assert statuses == [200, 200, 200, 200, 429]
    assert rotating[5].login("therese", factories.PASSWORD) == 429
