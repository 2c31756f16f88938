"""Matplotlib helpers for the plots made from a sweep's DataFrame.

    df = cohsim.sweep(cfg, grid={"l1d.size": sizes, "coherence.protocol": protos}, ...)
    ax = cohsim.plot.metric(df, x="l1d.size", y="core0.l1d.hit_rate", hue="coherence.protocol")
    cohsim.plot.save(ax, "hit_rate.png")

Rows with an ``error`` are left out. Where several rows share an x (and hue) value
(seeds, traces), the mean is drawn with the standard deviation as error bars.
Non-numeric x values (``"16KiB"``) are placed in the order they first appear, which
is the grid's order. Without a display (no ``DISPLAY``/``WAYLAND_DISPLAY``, no
``MPLBACKEND``) matplotlib's non-interactive Agg backend is selected, so scripts
work on a server.
"""
import os
import sys

import matplotlib

if ("matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND")
        and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
        and "ipykernel" not in sys.modules):
    matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["metric", "bars", "heatmap", "save"]


def _ok_rows(df):
    if "error" in df.columns:
        df = df[df["error"].isna()]
    return df


def _order(values):
    seen = {}
    for v in values:
        seen.setdefault(v, None)
    return list(seen)


def _is_numeric(values):
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _check_columns(df, *names):
    for n in names:
        if n is not None and n not in df.columns:
            raise KeyError(f"no column {n!r} in the sweep (columns: {', '.join(map(str, df.columns[:12]))}, ...)")


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
    return ax


def metric(df, x, y, hue=None, *, ax=None, logy=False, title=None, xlabel=None, ylabel=None,
           marker="o"):
    """A metric (column ``y``) against a parameter (column ``x``), one line per value
    of ``hue`` (e.g. ``"coherence.protocol"``). Returns the Axes."""
    _check_columns(df, x, y, hue)
    df = _ok_rows(df)
    ax = _axes(ax)
    xs = _order(df[x])
    numeric = _is_numeric(xs)
    pos = {v: (v if numeric else i) for i, v in enumerate(xs)}
    groups = [(None, df)] if hue is None else [(h, df[df[hue] == h]) for h in _order(df[hue])]
    for h, g in groups:
        stats = g.groupby(x, sort=False)[y].agg(["mean", "std", "count"])
        stats = stats.reindex([v for v in xs if v in stats.index])
        px = [pos[v] for v in stats.index]
        err = stats["std"].where(stats["count"] > 1) if (stats["count"] > 1).any() else None
        ax.errorbar(px, stats["mean"], yerr=err, marker=marker, capsize=3 if err is not None else 0,
                    label=None if h is None else str(h))
    if not numeric:
        ax.set_xticks(range(len(xs)), [str(v) for v in xs])
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel or y)
    if title:
        ax.set_title(title)
    if hue is not None:
        ax.legend(title=hue)
    ax.grid(True, alpha=0.3)
    return ax


def bars(df, x, y, hue=None, *, ax=None, title=None, xlabel=None, ylabel=None):
    """Grouped bars: the mean of ``y`` for each ``x``, one bar per ``hue`` value."""
    _check_columns(df, x, y, hue)
    df = _ok_rows(df)
    ax = _axes(ax)
    xs = _order(df[x])
    hues = [None] if hue is None else _order(df[hue])
    width = 0.8 / len(hues)
    for j, h in enumerate(hues):
        g = df if h is None else df[df[hue] == h]
        means = g.groupby(x, sort=False)[y].mean()
        ax.bar([i - 0.4 + width * (j + 0.5) for i in range(len(xs))],
               [means.get(v, float("nan")) for v in xs], width, label=None if h is None else str(h))
    ax.set_xticks(range(len(xs)), [str(v) for v in xs])
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel or y)
    if title:
        ax.set_title(title)
    if hue is not None:
        ax.legend(title=hue)
    ax.grid(True, axis="y", alpha=0.3)
    return ax


def heatmap(df, x, y, value, *, ax=None, title=None, fmt="{:.3g}", cmap="viridis"):
    """The mean of column ``value`` over two parameters, annotated cell by cell."""
    _check_columns(df, x, y, value)
    df = _ok_rows(df)
    ax = _axes(ax)
    xs, ys = _order(df[x]), _order(df[y])
    table = df.groupby([y, x], sort=False)[value].mean()
    grid = [[table.get((yv, xv), float("nan")) for xv in xs] for yv in ys]
    im = ax.imshow(grid, cmap=cmap, aspect="auto", origin="lower")
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            if v == v:  # not NaN
                ax.text(j, i, fmt.format(v), ha="center", va="center", color="w", fontsize=8)
    ax.set_xticks(range(len(xs)), [str(v) for v in xs])
    ax.set_yticks(range(len(ys)), [str(v) for v in ys])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.figure.colorbar(im, ax=ax, label=value)
    if title:
        ax.set_title(title)
    return ax


def save(fig_or_ax, path, dpi=150, close=True):
    """Saves the figure of an Axes (or a Figure) to ``path`` (PNG, SVG, PDF by its
    extension), closes it unless ``close=False``, and returns ``path``."""
    fig = getattr(fig_or_ax, "figure", fig_or_ax)
    fig.savefig(os.fspath(path), dpi=dpi)
    if close:
        plt.close(fig)
    return path
