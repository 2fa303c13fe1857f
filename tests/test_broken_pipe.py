"""A reader that goes away (`resque status | head -1`) ends the command quietly.

Exit 0 or 141 (128 + SIGPIPE, as for any Unix tool), and nothing on stderr: no "internal
error" line, no "Exception ignored ... BrokenPipeError" from Python's exit.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

import pytest

RESQUE = [sys.executable, "-c", "import sys; from resque import cli; sys.exit(cli.main())"]


def run_into_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    """`resque ARGS` writing into a pipe whose reader is gone before it starts."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(
            [*RESQUE, *args], stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120
        )
    finally:
        os.close(writer)


@pytest.mark.parametrize(
    "command", [["status"], ["query", "select * from postings"]], ids=["status", "query"]
)
def test_a_closed_pipe_ends_the_command_quietly(sample_db, command):
    result = run_into_closed_pipe("--db", str(sample_db), *command)
    assert result.stderr == ""
    assert result.returncode in (0, 141)


def test_query_piped_into_head_ends_quietly(sample_db):
    # More than a pipe's buffer (64 KiB) of rows, so the write after head has left fails.
    resque = shlex.join([*RESQUE, "--db", str(sample_db), "query", "--csv"])
    script = f'set -o pipefail; {resque} "select * from range(200000)" | head -1'
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout == "range\n"
    assert result.stderr == ""
    assert result.returncode in (0, 141)
