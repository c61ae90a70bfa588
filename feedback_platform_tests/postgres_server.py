"""A throwaway PostgreSQL server for the tests and benchmarks that need one: Debian's postgresql package,
a cluster in a temporary folder, run as the `postgres` user (the server refuses to run as root), on a free
TCP port of the loopback interface, trusting local connections. Each user of it gets a database of its own.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POSTGRES_USER = "postgres"


def postgres_bin() -> Path | None:
    """The newest installed server's bin folder, or None when PostgreSQL is not installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3]))
    return found[-1].parent if found else None


def missing_reason() -> str | None:
    """Why no server can be started here, or None when one can."""
    if postgres_bin() is None:
        return "PostgreSQL is not installed (Debian package postgresql)"
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return "starting PostgreSQL as the postgres user needs root and runuser"
    return None


@contextmanager
def running_postgres() -> Iterator["PostgresServer"]:
    """A server for the duration of the block, stopped and its files removed after."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise RuntimeError(missing_reason())
    folder = Path(tempfile.mkdtemp(prefix="feedback-platform-pg-"))
    shutil.chown(folder, user=POSTGRES_USER)
    data, port = folder / "data", _free_port()
    _as_postgres([bin_dir / "initdb", "-D", data, "-A", "trust", "-U", POSTGRES_USER, "--no-sync"])
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=off"
    _as_postgres([bin_dir / "pg_ctl", "-D", data, "-o", options, "-l", folder / "server.log", "-w", "start"])
    try:
        yield PostgresServer(port)
    finally:
        _as_postgres([bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


class PostgresServer:
    def __init__(self, port: int) -> None:
        self.port = port

    def url(self, database: str) -> str:
        return f"postgresql://{POSTGRES_USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create the empty database `name` (letters, digits and underscores) and give its URL."""
        if not name.replace("_", "").isalnum():
            raise ValueError(f"not a plain database name: {name!r}")
        import psycopg2  # dagster-postgres's driver

        connection = psycopg2.connect(self.url("postgres"))
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f"create database {name}")
        finally:
            connection.close()
        return self.url(name)


def _as_postgres(command: list) -> None:
    subprocess.run(
        ["runuser", "-u", POSTGRES_USER, "--", *map(str, command)], check=True, capture_output=True, cwd="/"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
