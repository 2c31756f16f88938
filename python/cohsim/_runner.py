"""Runs one simulation in a child process (``python3 -m cohsim._worker``).

This module is imported by the parent, by the threads of a local sweep and by the
workers of a Dask cluster; it needs nothing but the standard library (the child
imports the extension). ``run_task`` is the picklable task function a sweep
submits to an executor.
"""
import json
import os
import sys

from . import errors

_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_STDERR_TAIL = 8000  # characters of the child's stderr kept in a crash message


def _child_env():
    env = dict(os.environ)
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = _PACKAGE_PARENT + (os.pathsep + path if path else "")
    env["SYSTEMC_DISABLE_COPYRIGHT_MESSAGE"] = "1"
    return env


def _worker_command():
    """The command of the child process (tests replace it to simulate a crash)."""
    return [sys.executable or "/usr/bin/python3", "-m", "cohsim._worker"]


def _describe_exit(code):
    import signal

    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        desc = signal.strsignal(-code) or ""
        return f"was killed by {name}" + (f" ({desc})" if desc else "")
    return f"exited with status {code}"


def run_child(request, timeout=None):
    """Runs the request in a fresh ``python3 -m cohsim._worker``; returns its reply
    (a dict, ``ok`` true) or raises the error the child reported, or
    :class:`~cohsim.SimulationError` when the child died."""
    import subprocess  # not needed by the child

    try:
        p = subprocess.run(_worker_command(), input=json.dumps(request).encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_child_env(),
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        raise errors.SimulationError(
            f"the simulation did not finish within {timeout} s; its process was stopped") from None
    stderr = p.stderr.decode(errors="replace")
    reply = None
    if p.returncode == 0:
        try:
            reply = json.loads(p.stdout.decode())
        except ValueError:
            reply = None
    if reply is None:
        tail = stderr[-_STDERR_TAIL:].rstrip()
        raise errors.SimulationError(f"the simulation process {_describe_exit(p.returncode)}"
                                     + (f"; its stderr:\n{tail}" if tail else " (no output on stderr)"))
    if not reply.get("ok"):
        cls = getattr(errors, reply.get("error", ""), errors.SimulationError)
        raise cls(reply.get("message", "unknown error"))
    return reply


def run_task(payload):
    """The task function of a sweep: one run, never raising. Returns ``{"ok": True,
    ...reply}`` or ``{"ok": False, "error": message}``."""
    try:
        reply = run_child(payload["request"], payload.get("timeout"))
    except Exception as e:  # the row records it, the sweep goes on
        return {"ok": False, "error": str(e), "error_type": type(e).__name__}
    return reply
