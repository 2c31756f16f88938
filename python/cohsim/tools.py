"""The command line's other tools: protocol tables, trace statistics and conversion."""
import errno
import io
import json
import os
from collections import namedtuple

from . import _core

__all__ = ["Protocol", "protocols", "protocol_choices", "isa_choices", "fabric_choices",
           "protocol_table", "trace_stats", "convert_trace"]

Protocol = namedtuple("Protocol", "name fabric description")
Protocol.__doc__ = "A coherence protocol table: its name, the fabric it runs on, what it is."


def protocols():
    """Every protocol table, as :class:`Protocol` (``cohsim protocol list``)."""
    return [Protocol(*p) for p in _core.protocols()]


def protocol_choices():
    """The names ``coherence.protocol`` accepts; sweep over these so that a sweep
    grows with the protocols."""
    return _core.protocol_choices()


def isa_choices():
    """The names ``isa`` accepts."""
    return _core.isa_choices()


def fabric_choices():
    """The names ``coherence.fabric`` accepts."""
    return _core.fabric_choices()


def protocol_table(name, fabric="bus", format="text"):
    """The table the simulator executes for a protocol (``cohsim protocol show``):
    ``format`` is ``"text"``, ``"md"`` (markdown), ``"csv"``, ``"html"`` (a whole styled
    page), ``"dot"`` (Graphviz: the stable states and the transitions between them),
    ``"svg"`` (a str) or ``"png"`` (bytes), drawn by Graphviz's ``dot`` (Debian package
    graphviz), or ``"pandas"`` (a DataFrame of the csv: state, event, kind, actions,
    next). An unknown protocol or format raises :class:`cohsim.UserError` with the
    valid choices."""
    if format == "pandas":
        import pandas as pd

        return pd.read_csv(io.StringIO(_core.protocol_table(name, fabric, "csv")), dtype=str,
                           keep_default_na=False)
    return _core.protocol_table(name, fabric, format)


def _existing(path):
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(errno.ENOENT, "no such trace file", path)
    return path


def trace_stats(path, line_size=64, page_size=4096, format="dict"):
    """What a trace contains (``cohsim trace stats``): threads, operations by thread,
    kind and ordering, and the memory it touches. ``format``: ``"dict"`` (the
    ``--json`` output, parsed), ``"json"`` or ``"text"`` (the table). Raises
    FileNotFoundError or :class:`cohsim.TraceError` (file:line: message)."""
    path = _existing(path)
    if format == "text":
        return _core.trace_stats(path, line_size, page_size, False)
    text = _core.trace_stats(path, line_size, page_size, True)
    if format == "json":
        return text
    if format == "dict":
        return json.loads(text)
    raise ValueError(f"format {format!r}: valid formats are dict, json, text")


def convert_trace(src, dst):
    """Converts a trace (``cohsim trace convert``): ``dst`` ending in ``.trace`` or
    ``.txt`` is written as text, anything else as binary. Returns ``dst``."""
    _core.convert_trace(_existing(src), os.fspath(dst))
    return dst


def stress(cfg=None, ops=100000, seed=0, lines=8, timeout=None):
    """The random tester (``cohsim stress``), in a child process: every core issues
    random loads, stores, read-modify-writes and fences on ``lines`` contended lines
    with the coherence checker on. Returns a dict: ``protocol``, ``ops``,
    ``violations`` (0 or 1), ``message`` (the checker's report), ``cells_hit``,
    ``cells_reachable``, ``cells_never_hit`` and ``unreachable`` (cell -> reason)."""
    from ._runner import run_child
    from .simulation import as_config

    c = as_config(cfg)
    for name, v in (("ops", ops), ("seed", seed), ("lines", lines)):
        if isinstance(v, bool) or not isinstance(v, int) or v < (1 if name != "seed" else 0):
            raise ValueError(f"{name} must be a {'non-negative' if name == 'seed' else 'positive'} int, got {v!r}")
    reply = run_child({"kind": "stress", "config": c.to_yaml(), "origin": c.origin, "ops": ops, "seed": seed,
                       "lines": lines}, timeout)
    return reply["stress"]


def litmus(paths, isa="x86", runs=1000, seed=0, lse=False, cfg=None, jobs=None, expect=None, timeout=None):
    """Runs litmus tests (``cohsim litmus``; format in traces/litmus/README.md) ``runs``
    times each with randomised timing, each run in a process of its own. ``paths``:
    one ``.litmus`` file or a list. Returns one dict per test: ``test``, ``isa``,
    ``runs``, ``outcomes`` (outcome -> count, e.g. ``"1:r0=1 1:r1=0"``),
    ``condition_observed``, and with an expectation (the file's, or ``expect``:
    "allowed"/"forbidden") whether it ``passed``."""
    from ._runner import run_child
    from .simulation import as_config

    one = isinstance(paths, (str, os.PathLike))
    paths = [os.path.abspath(os.fspath(p)) for p in ([paths] if one else paths)]
    for p in paths:
        if not os.path.isfile(p):
            raise FileNotFoundError(errno.ENOENT, "no such litmus file", p)
    if isa not in isa_choices():
        raise ValueError(f"isa must be one of {', '.join(isa_choices())}, got {isa!r}")
    for name, v in (("runs", runs), ("seed", seed)):
        if isinstance(v, bool) or not isinstance(v, int) or v < (1 if name == "runs" else 0):
            raise ValueError(f"{name} must be a {'positive' if name == 'runs' else 'non-negative'} int, got {v!r}")
    c = as_config(cfg)
    reply = run_child({"kind": "litmus", "config": c.to_yaml(), "origin": c.origin, "paths": paths, "isa": isa,
                       "lse": bool(lse), "runs": runs, "seed": seed, "jobs": jobs or 0, "expect": expect or ""},
                      timeout)
    return reply["litmus"]
