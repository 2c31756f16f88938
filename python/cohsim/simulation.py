"""cohsim.run: one simulation, in a child process of its own."""
import errno
import os

from . import _core
from ._runner import run_child
from .config import Config
from .result import Result

__all__ = ["run"]


def as_config(cfg):
    """A Config from a Config (copied), a YAML file path, or None (the defaults)."""
    if cfg is None:
        return Config.defaults()
    if isinstance(cfg, Config):
        return cfg.copy()
    if isinstance(cfg, (str, os.PathLike)):
        return Config.load(cfg)
    raise TypeError(f"cfg must be a cohsim.Config or the path of a YAML file, not {type(cfg).__name__}")


def trace_path(cfg, trace):
    """The trace a run reads: ``trace`` (found as the command line finds it: in the
    working directory, else in the installed data), else the config's ``trace:`` key
    (relative to the config file's folder). ``FileNotFoundError`` if it does not exist."""
    path = _core.find_input(os.fspath(trace), False) if trace is not None else os.path.normpath(_core.resolve_trace_path(cfg._c, ""))
    if not os.path.isfile(path):
        raise FileNotFoundError(errno.ENOENT, "no such trace file", path)
    return path


def prepare(cfg, trace=None, seed=None, overrides=None, max_cycles=None, events=None, stats_interval=None,
            warmup=None, events_dram=False):
    """Validates one run in this process (no simulation): returns the child's
    request, the config, the trace path and the seed. Raises ConfigError,
    FileNotFoundError or TypeError, exactly as ``run`` would."""
    c = cfg.copy()
    if overrides:
        c.update(overrides)  # all set, then validated once, like several --set
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int, not {type(seed).__name__}")
        c.set("seed", str(seed))  # as `cohsim run --seed N`
    path = trace_path(c, trace)
    if max_cycles is not None and (isinstance(max_cycles, bool) or not isinstance(max_cycles, int) or max_cycles < 0):
        raise ValueError(f"max_cycles must be a non-negative int, got {max_cycles!r}")
    if stats_interval is not None and (isinstance(stats_interval, bool) or not isinstance(stats_interval, int)
                                       or stats_interval < 1):
        raise ValueError(f"stats_interval must be a positive int (core cycles), got {stats_interval!r}")
    if warmup is not None and (isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0):
        raise ValueError(f"warmup must be a non-negative int (operations per thread), got {warmup!r}")
    if not isinstance(events_dram, bool):
        raise TypeError(f"events_dram must be a bool, not {type(events_dram).__name__}")
    if events_dram and events is None:
        raise ValueError("events_dram=True needs events=FILE (as --events-dram needs --events FILE.jsonl)")
    request = {
        "config": c.to_yaml(),
        "origin": c.origin,
        "trace": os.path.abspath(path),
        "events": os.path.abspath(os.fspath(events)) if events is not None else "",
        "max_cycles": int(max_cycles or 0),
        "stats_interval": int(stats_interval or 0),
        "warmup": int(warmup or 0),
        "events_dram": events_dram,
    }
    return request, c, path, c.value("seed")


def run(cfg=None, trace=None, seed=None, *, max_cycles=None, events=None, timeout=None, stats_interval=None,
        warmup=None, events_dram=False):
    """Simulates one system on one trace and returns a :class:`cohsim.Result`.

    - ``cfg``: a :class:`cohsim.Config`, or the path of a YAML file (None: defaults).
    - ``trace``: the trace file (text, binary or din); None: the config's ``trace:``.
    - ``seed``: the run's seed, as ``cohsim run --seed N``; None: the config's ``seed``
      (0 unless set).
    - ``max_cycles``: stop after this many core cycles (``--max-cycles``).
    - ``events``: write the event log (docs/event-log.md, schema 6: JSON lines) to this file.
    - ``events_dram``: the event log also records every DRAM command (``--events-dram``;
      needs ``events`` and ``memory.model: dram``, else ValueError / ConfigError).
    - ``timeout``: seconds before the run is stopped (SimulationError).
    - ``stats_interval``: every this many core cycles, a snapshot of every statistic
      (``cohsim run --stats-interval``); ``result.intervals()`` gives them as a DataFrame.
    - ``warmup``: reset every statistic once every thread has retired this many
      operations (``cohsim run --warmup N``; README "Warm-up and region of interest").

    The simulation runs in a child process (SystemC elaborates one design per
    process), so any number of runs can follow each other and a crash of the
    simulator raises :class:`cohsim.SimulationError` instead of ending Python.
    Raises ConfigError (bad key or value, the command line's message), TraceError
    (malformed trace), FileNotFoundError (no such trace or config file).

    Same config, trace and seed give the same statistics as ``cohsim run``.
    """
    c = as_config(cfg)
    request, c, path, seed_value = prepare(c, trace, seed, max_cycles=max_cycles, events=events,
                                           stats_interval=stats_interval, warmup=warmup, events_dram=events_dram)
    reply = run_child(request, timeout)
    return Result(reply, c, path, seed_value)
