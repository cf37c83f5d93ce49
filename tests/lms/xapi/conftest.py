"""A real LRS for the xAPI tests: Ralph (ralph-malph, pinned in requirements-ralph.txt)
with its file-system backend, installed in var/ralph-venv by `make ralph`.

`ralph_lrs` writes a basic-auth credentials file with `ralph auth` (RALPH_AUTH_FILE) and
serves Ralph's app (`ralph_app.py`: the file-system backend set to append) with the
venv's uvicorn on a free port, its statements under a temporary directory. Not
`ralph runserver -b fs`: that one hard-codes uvicorn's reloader, which watches the
working directory and runs the server in a child process."""

from __future__ import annotations

import base64
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

import pytest

from tests.conftest import service_unavailable

RALPH_VENV = Path(settings.BASE_DIR) / "var" / "ralph-venv"


@dataclass
class Lrs:
    endpoint: str  # the xAPI base, ending in /xAPI/
    key: str
    secret: str
    log: Path

    def _get(self, url: str) -> dict[str, Any]:
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - the test's own server
            url,
            headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.loads(response.read())

    def statements(self) -> list[dict[str, Any]]:
        """Every statement the LRS holds (GET /xAPI/statements, following `more`)."""
        found: list[dict[str, Any]] = []
        url = self.endpoint + "statements?limit=100"
        root = self.endpoint.split("/xAPI/")[0]
        while url:
            page = self._get(url)
            found += page["statements"]
            more = page.get("more")
            url = (root + more if more.startswith("/") else more) if more else ""
        return found

    def statement(self, statement_id: str) -> dict[str, Any]:
        return self._get(f"{self.endpoint}statements?statementId={statement_id}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def ralph_lrs(tmp_path) -> Lrs:
    """A fresh Ralph LRS for the test (empty store), stopped afterwards."""
    bin_dir = RALPH_VENV / "bin"
    if not (bin_dir / "uvicorn").exists() or not (bin_dir / "ralph").exists():
        service_unavailable(
            f"the Ralph LRS is not installed in {RALPH_VENV} (run `make ralph`; docs/xapi.md)"
        )
    key, secret = "portal", secrets.token_urlsafe(16)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "RALPH_APP_DIR": str(tmp_path),
        "RALPH_AUTH_FILE": str(tmp_path / "auth.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(tmp_path / "statements"),
    }
    subprocess.run(
        [str(bin_dir / "ralph"), "auth", "-u", key, "-p", secret, "-s", "all"]
        + ["-A", "portal-sender", "http://lrs.test", "-w"],
        env=env,
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = tmp_path / "ralph.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(bin_dir / "uvicorn"), "ralph_app:app", "--app-dir", str(Path(__file__).parent)]
            + ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    lrs = Lrs(endpoint=f"http://127.0.0.1:{port}/xAPI/", key=key, secret=secret, log=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                lrs.statements()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    service_unavailable(f"Ralph did not start: {log.read_text()[-2000:]}")
                time.sleep(0.2)
        yield lrs
    finally:
        sys.stdout.write(f"Ralph's log ({log}):\n{log.read_text()[-4000:]}\n")  # on failure
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def xapi_on(settings, ralph_lrs) -> Lrs:
    """xAPI statements go to the test's Ralph."""
    settings.XAPI_LRS_ENDPOINT = ralph_lrs.endpoint
    settings.XAPI_LRS_KEY = ralph_lrs.key
    settings.XAPI_LRS_SECRET = ralph_lrs.secret
    settings.XAPI_ACTOR_SECRET = "uji-rahasia"
    return ralph_lrs
