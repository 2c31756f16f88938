"""cohsim.Result: the statistics of one simulation."""
import json
import re

__all__ = ["Result", "describe", "flatten_stats", "integer_columns", "read_intervals"]


def read_intervals(text_or_path):
    """A ``--stats-interval-file`` (its path, or its text) as a DataFrame: one row per
    line, indexed by ``cycle``; histograms flattened as in :func:`flatten_stats`."""
    import os

    import pandas as pd

    text = text_or_path
    if isinstance(text_or_path, os.PathLike) or (isinstance(text_or_path, str) and "\n" not in text_or_path
                                                  and os.path.isfile(text_or_path)):
        with open(text_or_path) as f:
            text = f.read()
    records = [flatten_stats(json.loads(line)) for line in text.splitlines() if line.strip()]
    columns = []
    for r in records:
        columns += [k for k in r if k not in columns]
    df = pd.DataFrame.from_records(records, columns=columns)
    integer_columns(df, records)
    return df.set_index("cycle")


def describe(name):
    """The declaration of statistic `name` (docs/stats.md): a dict with ``pattern``,
    ``unit``, ``clock`` (``core``, ``uncore`` or ``dram`` for cycles, else empty) and
    ``description``; None for a name no declaration matches."""
    from . import _core

    return _core.stat_declaration(name)


def integer_columns(df, records):
    """Makes every column of `df` whose values in `records` (the dicts it was built from,
    in its row order) are all ints, where present, pandas' nullable ``Int64``: a count
    stays an integer even where a failed run left it empty (a float64 column would turn
    it into a float)."""
    import pandas as pd

    for c in df.columns:
        vals = [r.get(c) for r in records]
        present = [v for v in vals if v is not None]
        if present and all(isinstance(v, int) and not isinstance(v, bool) and -2**63 <= v < 2**63 for v in present):
            df[c] = pd.array(vals, dtype="Int64")
    return df


def flatten_stats(stats):
    """The scalar statistics of a stats dict: numbers as they are, each histogram
    (``coreN.load_latency``) as ``NAME.count``, ``NAME.mean`` and ``NAME.max``."""
    flat = {}
    for k, v in stats.items():
        if isinstance(v, dict):
            for part in ("count", "mean", "max"):
                if part in v:
                    flat[f"{k}.{part}"] = v[part]
        else:
            flat[k] = v
    return flat


_CORE_COLUMNS = [  # (statistic under coreN., column title, format)
    ("ops", "ops", "{:.0f}"),
    ("loads", "loads", "{:.0f}"),
    ("stores", "stores", "{:.0f}"),
    ("rmws", "rmws", "{:.0f}"),
    ("cycles", "cycles", "{:.0f}"),
    ("l1d.hits", "L1D hits", "{:.0f}"),
    ("l1d.misses", "misses", "{:.0f}"),
    ("l1d.hit_rate", "hit %", "{:.1%}"),
    ("l1d.invalidations", "invalidations", "{:.0f}"),
    ("l1d.writebacks", "writebacks", "{:.0f}"),
    ("amat_core_cycles", "AMAT (cycles)", "{:.2f}"),
]


class Result:
    """The outcome of :func:`cohsim.run`.

    - ``stats``: every statistic, a dict with the names and values of the command
      line's ``--stats`` JSON (histograms as dicts); ``result["cycles"]`` reads one.
    - ``summary()``: the command line's table; ``to_json()``: the exact JSON text.
    - ``to_pandas()``: the scalar statistics as a ``pandas.Series``.
    - ``describe(name)``: what a statistic means, its unit and clock (docs/stats.md).
    - ``provenance``: what produced it (the JSON's ``"_provenance"``, not among
      ``stats``): ``cohsim_version``, ``commit``, ``seed``, ``trace`` (``path``,
      ``bytes``, ``fnv1a64``), ``max_cycles``, ``config`` (``config show``'s YAML),
      ``host_time`` (UTC).
    - ``advice``: the sharing advisor's report (the JSON's ``"_advice"``, not among
      ``stats``; None with ``advice: false``): ``lines``, the costliest lines with
      coherence misses (``kind``: false_sharing, true_sharing, lock, one_core_seen;
      ``address``, ``coherence_misses``, ``miss_core_cycles``, ``cores``,
      ``operations`` with their ``trace_line`` and ``symbol``), and ``saturated``, the
      resources more than 90% busy (docs/advice.md).
    - ``completed``, ``cycles``, ``ops`` (the whole run's, warm-up included: with
      ``warmup=N`` or ROI markers ``result["cycles"]`` and ``result["ops"]`` are the
      measured window's), ``wall_seconds`` (host time), ``config``,
      ``trace``, ``seed``.

    In Jupyter it displays as a table of the per-core figures.
    """

    def __init__(self, reply, config, trace, seed):
        self._json = reply["stats_json"]
        self.stats = json.loads(self._json)
        self.provenance = self.stats.pop("_provenance", None)
        self.advice = self.stats.pop("_advice", None)
        self._summary = reply["summary"]
        self.completed = bool(reply["completed"])
        self.cycles = int(reply["cycles"])
        self.ops = int(reply["ops"])
        self.wall_seconds = float(reply["wall_seconds"])
        self._intervals = reply.get("intervals_jsonl")
        self.config = config
        self.trace = trace
        self.seed = seed

    def describe(self, name):
        """What a statistic means: its declaration (docs/stats.md) as a one-line string,
        ``"core0.l1d.hits: 51 count: accesses this level received that ..."``. KeyError
        for a name that is neither in this result nor declared."""
        d = describe(name)
        value = self.stats.get(name)
        if d is None:
            raise KeyError(f"{name!r}: no such statistic (see docs/stats.md)")
        clock = f" ({d['clock']} clock)" if d["clock"] else ""
        shown = "" if value is None else f" = {value if not isinstance(value, dict) else value.get('mean')}"
        return f"{name}{shown} [{d['unit']}{clock}]: {d['description']}"

    def intervals(self):
        """The periodic statistics of a run made with ``stats_interval=N`` (the lines
        ``cohsim run --stats-interval N`` writes) as a ``pandas.DataFrame``: one row per
        snapshot, indexed by ``cycle`` (core cycles; every N, then the run's last cycle),
        one column per scalar statistic, cumulative since the start (``df.diff()`` gives
        each interval's own counts); counts are ``Int64``. The last row equals ``stats``.
        ValueError for a run made without ``stats_interval``."""
        if self._intervals is None:
            raise ValueError("this run had no stats_interval: cohsim.run(..., stats_interval=N)")
        return read_intervals(self._intervals)

    def __getitem__(self, name):
        return self.stats[name]

    def summary(self):
        """The summary table ``cohsim run`` prints."""
        return self._summary

    def to_json(self):
        """The statistics as JSON, byte for byte what ``cohsim run --stats`` writes."""
        return self._json

    def to_dict(self):
        """The scalar statistics, flattened (see :func:`flatten_stats`)."""
        return flatten_stats(self.stats)

    def to_pandas(self):
        """The scalar statistics as a ``pandas.Series`` indexed by name
        (``result.to_pandas().filter(like="l1d.misses")``); counts are ints, other
        figures floats (the Series' dtype is ``object`` so that neither is converted)."""
        import pandas as pd

        # object dtype: counts stay Python ints (a float64 Series would turn them into floats)
        s = pd.Series(self.to_dict(), name="value", dtype=object)
        s.index.name = "statistic"
        return s

    @property
    def cores(self):
        """The core numbers that have statistics."""
        found = {int(m.group(1)) for k in self.stats for m in [re.match(r"core(\d+)\.", k)] if m}
        return sorted(found)

    def __repr__(self):
        return (f"<cohsim.Result {self.trace!r} seed={self.seed}: {self.cycles} cycles, "
                f"{self.ops} ops{'' if self.completed else ', incomplete'}>")

    def _repr_html_(self):
        import html

        esc = html.escape
        s = self.stats
        rows = []
        cols = [c for c in _CORE_COLUMNS if any(f"core{n}.{c[0]}" in s for n in self.cores)]
        head = "".join(f"<th>{esc(t)}</th>" for _, t, _ in cols)
        for n in self.cores:
            cells = []
            for key, _, fmt in cols:
                v = s.get(f"core{n}.{key}")
                cells.append(f"<td>{esc(fmt.format(v)) if isinstance(v, (int, float)) else ''}</td>")
            rows.append(f"<tr><th>core{n}</th>{''.join(cells)}</tr>")
        extra = []
        for key in ("bus.transactions", "bus.msgs.GetS", "bus.msgs.GetM", "bus.msgs.PutM",
                    "bus.cache_to_cache", "bus.utilization", "memory.reads", "memory.writes"):
            if key in s:
                v = s[key]
                extra.append(f"<tr><th>{esc(key)}</th><td>{esc(format(v, '.1%') if key.endswith('utilization') else format(v, 'g'))}</td></tr>")
        status = "completed" if self.completed else "<b>did not complete</b>"
        return (
            f"<div class='cohsim-result'><p><b>cohsim</b> {esc(str(self.trace))}, seed {self.seed}: "
            f"{self.cycles:,} core cycles, {self.ops:,} operations, {status}</p>"
            f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<table><tbody>{''.join(extra)}</tbody></table>"
            f"<details><summary>summary</summary><pre>{esc(self._summary)}</pre></details></div>"
        )
