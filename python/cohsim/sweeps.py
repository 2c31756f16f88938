"""cohsim.sweep: many simulations, one row each, in parallel or on a cluster."""
import itertools
import json
import os
import sys
import time

from . import errors
from ._runner import run_task
from .result import flatten_stats, integer_columns
from .config import yaml_text
from .simulation import as_config

__all__ = ["sweep"]

_FIRST_STATS = ["cycles", "ops", "completed"]


def _values(name, v):
    if v is None:
        return [None]
    if isinstance(v, (str, bytes, os.PathLike)) or not hasattr(v, "__iter__"):
        return [v]
    v = list(v)
    if not v:
        raise ValueError(f"{name} is empty")
    return v


def seed_keys():
    """The configuration keys through which a run on a trace file draws from ``seed``:
    those whose declaration says "drawn from `seed`" (docs/config.md), e.g.
    ``core.start_jitter``, ``network.jitter``, ``l1d.replacement``."""
    from .config import config_params

    return [p["key"] for p in config_params() if "drawn from `seed`" in p["description"]]


def _seeded_choices():
    """The names of choices whose registered description says they draw from ``seed``
    (the replacement policies ``random``, ``brrip``, ``drrip``)."""
    from . import _core

    return {p["name"] for p in _core.plugins("replacement") if "`seed`" in p["description"]}


def seed_matters(values):
    """The ``"key: value"`` settings in ``values`` (``{key: text}``, a run's
    configuration) that make its result depend on the seed: a seed key (:func:`seed_keys`)
    set to a choice that draws from the seed (``random``, ``brrip``, ``drrip``) or to a
    number above 0 (``network.jitter`` only on the directory fabric). Empty: every seed
    gives the same statistics."""
    seeded = _seeded_choices()
    found = []
    for k in seed_keys():
        v = str(values.get(k, "")).strip()
        if k == "network.jitter" and str(values.get("coherence.fabric", "")).strip() != "directory":
            continue
        try:
            on = int(v) > 0
        except ValueError:
            on = v in seeded
        if on:
            found.append(f"{k}: {v}")
    return found


def _warn_if_seeds_cannot_matter(base, keys, axes, seed_list):
    """One warning when a sweep has several seeds but none of its points draws from the
    seed (the rows of one point would all be the same)."""
    import warnings

    if len({s for s in seed_list if s is not None}) < 2:
        return
    base_values = base.to_dict()
    for point in itertools.product(*axes):
        values = dict(base_values)
        try:
            values.update({k: yaml_text(v) for k, v in zip(keys, point)})
        except TypeError:  # a bad value fails its own row later; no warning then
            return
        if seed_matters(values):
            return
    warnings.warn("cohsim.sweep: the seeds cannot change these results: no run draws from the seed, so every "
                  "seed gives the same statistics. Seeds matter only with one of " +
                  ", ".join(f"{k} > 0" if k.endswith("jitter") else f"{k}: " + "/".join(sorted(_seeded_choices()))
                            for k in seed_keys()) +
                  " (network.jitter on coherence.fabric: directory)", UserWarning, stacklevel=3)


class _Progress:
    """``cohsim sweep: 12/64 runs, 1 failed, 3 s elapsed, ~14 s left`` on stderr,
    rewritten in place; only when enabled (by default: stderr is a terminal)."""

    def __init__(self, total, enabled):
        self.total, self.done, self.failed = total, 0, 0
        self.enabled = enabled
        self.start = time.monotonic()
        self.last = 0.0
        if enabled:
            self._draw()

    def step(self, failed):
        self.done += 1
        self.failed += bool(failed)
        now = time.monotonic()
        if self.enabled and (now - self.last >= 0.2 or self.done == self.total):
            self.last = now
            self._draw()

    def _draw(self):
        elapsed = time.monotonic() - self.start
        left = ""
        if 0 < self.done < self.total:
            left = f", ~{elapsed / self.done * (self.total - self.done):.0f} s left"
        failed = f", {self.failed} failed" if self.failed else ""
        bar_w = 24
        filled = bar_w * self.done // max(self.total, 1)
        bar = "#" * filled + "." * (bar_w - filled)
        sys.stderr.write(f"\rcohsim sweep [{bar}] {self.done}/{self.total} runs{failed}, "
                         f"{elapsed:.0f} s elapsed{left}\x1b[K")
        sys.stderr.flush()

    def close(self):
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def sweep(cfg=None, grid=None, traces=None, seeds=None, *, jobs=None, executor=None,
          progress=None, max_cycles=None, timeout=None):
    """Runs every combination of ``grid`` values × ``traces`` × ``seeds`` and returns
    a ``pandas.DataFrame``, one row per run, in that order (the first grid key
    varies slowest, the seed fastest), whatever ``jobs`` or ``executor``.

    - ``cfg``: the base :class:`cohsim.Config` (or a YAML path); each run is a copy
      with its grid values set, as by ``cfg.set(key, value)``.
    - ``grid``: ``{"l1d.size": ["16KiB", "32KiB"], "coherence.protocol":
      cohsim.protocol_choices()}``; values as ``Config.set`` takes them.
    - ``traces``: trace paths (None: the config's ``trace:``); ``seeds``: ints (None:
      the config's ``seed``).
    - ``jobs``: simulations at once on this machine (default: the number of CPUs).
    - ``executor``: any ``concurrent.futures.Executor`` to run them instead, e.g. a
      Dask cluster's ``distributed.Client(...).get_executor()``; ``jobs`` is then
      ignored. Workers need this package importable (same ``PYTHONPATH``).
    - ``progress``: show a progress line on stderr (default: when it is a terminal).
    - ``max_cycles``, ``timeout``: per run, as for :func:`cohsim.run`.

    Columns: the grid keys (values as given), ``trace``, ``seed``, ``error``, then
    every scalar statistic (``cycles``, ``ops``, ``completed``, ``core0.l1d.misses``,
    counts as pandas' nullable ``Int64``,
    ...; a histogram gives ``NAME.count/.mean/.max``). Each simulation runs in a
    process of its own: a bad point or a crashed run leaves its statistics empty
    (NaN) and its message in ``error`` (None for the runs that worked), and the
    sweep goes on; a warning says how many failed.

    With several seeds, a ``UserWarning`` says so when no point draws from the seed
    (:func:`seed_matters`: ``core.start_jitter``, ``network.jitter`` on a directory,
    a ``random`` replacement policy), since every seed would give the same row.

    ``df.attrs["provenance"]`` holds, per row in row order, the run's provenance (the
    ``"_provenance"`` of its statistics JSON: version, commit, resolved configuration,
    seed, trace path, size and hash, host time; None for a failed run), and
    ``df.attrs["wall_seconds"]`` the host seconds each run's simulation took
    (``Result.wall_seconds``: the simulation loop, reading the trace included, not
    starting the process or building the system; None for a failed run). Runs that
    share the CPUs (``jobs`` > 1) slow each other: time with ``jobs=1`` to compare.
    """
    import concurrent.futures as cf
    import warnings

    import pandas as pd

    base = as_config(cfg)
    grid = dict(grid or {})
    if "seed" in grid and seeds is not None:
        raise ValueError("give the seeds either in grid['seed'] or as seeds=, not both")
    keys = list(grid)
    axes = [_values(f"grid[{k!r}]", grid[k]) for k in keys]
    trace_list = _values("traces", traces)
    seed_list = _values("seeds", seeds)
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs must be a positive int, got {jobs!r}")

    if max_cycles is not None and (isinstance(max_cycles, bool) or not isinstance(max_cycles, int) or max_cycles < 0):
        raise ValueError(f"max_cycles must be a non-negative int, got {max_cycles!r}")
    _warn_if_seeds_cannot_matter(base, keys, axes, seed_list if "seed" not in grid else grid["seed"])
    # Each point is set up in its run's child process (_worker): only pure-Python
    # checks happen here, so a value the simulator cannot take fails its row, never
    # this interpreter.
    base_yaml, base_seed = base.to_yaml(), base.value("seed")
    rows, payloads = [], []  # payloads: (row index, task payload)
    for point in itertools.product(*axes):
        overrides = dict(zip(keys, point))
        for trace in trace_list:
            for seed in seed_list:
                row = dict(overrides)
                row["trace"] = os.fspath(trace) if trace is not None else None
                row["seed"] = seed if seed is not None else base_seed
                row["error"] = None
                try:
                    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
                        raise TypeError(f"seed must be an int, not {type(seed).__name__}")
                    request = {"config": base_yaml, "origin": base.origin,
                               "overrides": [[str(k), yaml_text(v)] for k, v in overrides.items()],
                               "trace": os.path.abspath(row["trace"]) if trace is not None else None,
                               "seed": seed, "max_cycles": int(max_cycles or 0)}
                    payloads.append((len(rows), {"request": request, "timeout": timeout}))
                except TypeError as e:
                    row["error"] = str(e)
                rows.append(row)

    bar = _Progress(len(rows), sys.stderr.isatty() if progress is None else bool(progress))
    for row in rows:
        if row["error"] is not None:
            bar.step(True)
    replies = {}
    try:
        if executor is None and (jobs == 1 or len(payloads) <= 1):
            for i, p in payloads:
                replies[i] = run_task(p)
                bar.step(not replies[i].get("ok"))
        else:
            own = executor is None
            ex = cf.ThreadPoolExecutor(max_workers=min(jobs or os.cpu_count() or 1, len(payloads))) if own else executor
            try:
                futures = {ex.submit(run_task, p): i for i, p in payloads}
                try:
                    for f in cf.as_completed(futures):
                        i = futures[f]
                        try:
                            replies[i] = f.result()
                        except Exception as e:  # the executor lost the task (a worker died, ...)
                            replies[i] = {"ok": False, "error": f"{type(e).__name__}: {e}"}
                        bar.step(not replies[i].get("ok"))
                except BaseException:
                    for f in futures:
                        f.cancel()
                    raise
            finally:
                if own:
                    ex.shutdown(wait=True, cancel_futures=True)
    finally:
        bar.close()

    stat_names = {}
    provenance = [None] * len(rows)
    wall = [None] * len(rows)
    for i, row in enumerate(rows):
        reply = replies.get(i)
        if reply is None:
            continue
        if reply.get("ok"):
            if row["trace"] is None:
                row["trace"] = reply["point"]["trace"]
            row["seed"] = reply["point"]["seed"]
            stats = json.loads(reply["stats_json"])
            provenance[i] = stats.pop("_provenance", None)
            wall[i] = float(reply["wall_seconds"])
            stats.pop("_advice", None)  # not a statistic (Result.advice has it)
            stats = flatten_stats(stats)
            for k in stats:
                stat_names.setdefault(k, None)
            row.update(stats)
        else:
            row["error"] = reply.get("error", "unknown error")

    firsts = [k for k in _FIRST_STATS if k in stat_names]
    columns = keys + [c for c in ("trace", "seed", "error") if c not in keys]
    columns += firsts + sorted(k for k in stat_names if k not in firsts and k not in columns)
    df = pd.DataFrame.from_records(rows, columns=columns)
    integer_columns(df, rows)
    df.attrs["grid"] = keys
    df.attrs["provenance"] = provenance  # per row (row order): what produced it; None where the run failed
    df.attrs["wall_seconds"] = wall  # per row: the simulation's host seconds; None where the run failed
    failed = sum(r["error"] is not None for r in rows)
    if failed:
        warnings.warn(f"cohsim.sweep: {failed} of {len(rows)} runs failed; see the 'error' column",
                      RuntimeWarning, stacklevel=2)
    return df
