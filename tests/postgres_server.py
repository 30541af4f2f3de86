"""A throw-away PostgreSQL server for tests, started from the machine's PostgreSQL binaries.

``postgres_server()`` runs ``initdb`` into a fresh temporary folder (trust authentication, locale C,
UTF8), starts the server with ``pg_ctl`` on a free TCP port of 127.0.0.1 (its unix socket in the
same folder, so it never meets a system cluster), waits until it accepts connections and yields a
libpq DSN. At the end, also after a failure, it stops the server (``pg_ctl stop -m fast``) and
removes the folder. The binaries come from the Debian package ``postgresql``
(/usr/lib/postgresql/<major>/bin; ``make postgres-server`` installs it), else from PATH.

PostgreSQL refuses to run as root. As root, the server runs as the ``postgres`` user (or
``nobody``), and the temporary folder is handed to that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

SUPERUSER = "postgres"  # the database role initdb creates, whichever OS user runs the server
_SERVER_USERS = ("postgres", "nobody")
# a test server: durability is not needed, speed is
_SERVER_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


class PostgresServerError(RuntimeError):
    """The test server cannot be set up; the message says why and what to install."""


def find_binaries() -> Path:
    """The folder with initdb and pg_ctl: the newest /usr/lib/postgresql/<major>/bin, else PATH."""
    folders = [Path(folder) for folder in glob.glob("/usr/lib/postgresql/*/bin")]
    folders.sort(key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0)
    on_path = shutil.which("initdb")
    if on_path:
        folders.insert(0, Path(on_path).parent)
    for folder in reversed(folders):
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PostgresServerError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin "
        "or on PATH: run `make postgres-server` (installs the Debian package postgresql)"
    )


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_user() -> pwd.struct_passwd | None:
    """The unprivileged user to run the server as, when this process is root; else None."""
    if os.geteuid() != 0:
        return None
    for name in _SERVER_USERS:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PostgresServerError(
        f"running as root, and none of the users {', '.join(_SERVER_USERS)} exists to run "
        "PostgreSQL as (it refuses to run as root)"
    )


@contextlib.contextmanager
def postgres_server(start_timeout: int = 60) -> Iterator[str]:
    """A running throw-away server; yields its DSN (database postgres, superuser postgres)."""
    binaries = find_binaries()
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="empathy-pg-"))
    data, log = root / "data", root / "server.log"
    # the server's settings come from its arguments, never from the caller's PG* variables
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}

    def run(*command: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(part) for part in command],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            extra_groups=[] if user else None,
        )

    try:
        if user:
            os.chown(root, user.pw_uid, user.pw_gid)
        initdb = run(
            binaries / "initdb", "-D", data, "-U", SUPERUSER, "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        if initdb.returncode != 0:
            raise PostgresServerError(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")
        port = free_port()
        options = [f"-p {port}", "-c listen_addresses=127.0.0.1", f"-k {root}"]
        options += [f"-c {setting}" for setting in _SERVER_SETTINGS]
        start = run(
            binaries / "pg_ctl", "-D", data, "-l", log, "-o", " ".join(options),
            "-w", "-t", str(start_timeout), "start",
            timeout=start_timeout + 30,
        )  # fmt: skip
        if start.returncode != 0:
            server_log = log.read_text(errors="replace") if log.exists() else "(no log)"
            raise PostgresServerError(
                f"pg_ctl start failed:\n{start.stdout}{start.stderr}\nserver log:\n{server_log}"
            )
        yield f"host=127.0.0.1 port={port} dbname=postgres user={SUPERUSER}"
    finally:
        if (data / "postmaster.pid").exists():
            run(binaries / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop", timeout=60)
        shutil.rmtree(root, ignore_errors=True)
