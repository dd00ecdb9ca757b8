"""A real ``redis-server`` for tests: on a free port, in a temporary directory, no
persistence. Tests may kill it, pause it (a slow Redis) and start it again on its port."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import redis

from tests.served import free_port

#: the ``[cache] key_secret_env`` of every Redis-backed gateway the tests start: the
#: instances of one deployment share their Redis, so they share this secret too
CACHE_KEY_ENV = "DBAAS_GATEWAY_TEST_CACHE_KEY"
CACHE_KEY = "tests-one-deployment-cache-key-5d1e0c9a7f3b"
CACHE_KEY_TOML = f'key_secret_env = "{CACHE_KEY_ENV}"\n'


class RedisServer:
    def __init__(self, directory: Path) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError(
                "redis-server is not installed (Debian: apt-get install redis-server; "
                ".ci/run installs it)"
            )
        self.executable = executable
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start (again) on the same port; return once it answers PING."""
        log = open(self.directory / "redis.log", "ab")  # noqa: SIM115 (the child writes it)
        with log:
            self.process = subprocess.Popen(
                [
                    self.executable,
                    "--port", str(self.port),
                    "--bind", "127.0.0.1",
                    "--save", "",
                    "--appendonly", "no",
                    "--dir", str(self.directory),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 10
        with redis.Redis(port=self.port, socket_timeout=0.5) as client:
            while True:
                with contextlib.suppress(redis.ConnectionError):
                    if client.ping():
                        return
                assert self.process.poll() is None, (self.directory / "redis.log").read_text()
                assert time.monotonic() < deadline, "redis-server did not answer PING"
                time.sleep(0.02)

    def kill(self) -> None:
        """Gone at once, as a crash: connections reset, nothing answers."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def pause(self) -> None:
        """Still accepting connections but never answering: a Redis too slow to wait for."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)

    def client(self) -> redis.Redis:
        """A plain client, for tests that look at the keys."""
        return redis.Redis(port=self.port)


@contextlib.contextmanager
def running_redis() -> Iterator[RedisServer]:
    with tempfile.TemporaryDirectory(prefix="dbgw-redis-") as directory:
        server = RedisServer(Path(directory))
        server.start()
        try:
            yield server
        finally:
            server.kill()  # SIGKILL ends a paused server too
