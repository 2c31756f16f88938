"""Workload generators: each writes a text trace (traces/README.md) and returns its path.

Deterministic: the same arguments (and ``seed``) write the same file. Every
generator places its symbols explicitly (``place NAME ADDRESS``), so addresses and
cache sets are easy to work out, and writes a header comment with its arguments.

    from cohsim import traces
    traces.sharing("share.trace", threads=4, ops=2000, shared_fraction=0.3,
                   write_fraction=0.3, seed=1)
    traces.stream("stream.trace", threads=2, array_bytes=16 * 1024, passes=2)
    traces.pingpong("pp.trace", threads=2, rounds=8, read_first=True)
"""
import os
import random

__all__ = ["sharing", "stream", "pingpong", "write_trace"]

_ORDERINGS = ("Relaxed", "Acquire", "Release", "AcqRel", "SeqCst")
_PRIVATE_BASE = 0x1000000   # thread t's private data at _PRIVATE_BASE + t * _PRIVATE_STRIDE
_PRIVATE_STRIDE = 0x100000
_SHARED_BASE = 0x100000


def write_trace(path, threads, header="", places=()):
    """Writes a text trace: ``threads`` is a list (one per thread) of lists of
    operation lines (``"load x -> r0"``), ``places`` ``(name, address)`` pairs, and
    ``header`` a comment (one or more lines). Returns ``path``."""
    path = os.fspath(path)
    lines = [f"# {h}" if h else "#" for h in header.splitlines()]
    lines += [f"place {name} {addr:#x}" for name, addr in places]
    for t, ops in enumerate(threads):
        lines.append(f"thread {t}")
        lines.extend(f"  {op}" for op in ops)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def _check_fraction(name, x):
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {x!r}")


def _check_positive(name, n, zero=False):
    if isinstance(n, bool) or not isinstance(n, int) or n < (0 if zero else 1):
        raise ValueError(f"{name} must be an int {'>= 0' if zero else '>= 1'}, got {n!r}")


def sharing(path, threads=4, ops=1000, shared_fraction=0.2, write_fraction=0.3, seed=0, *,
            shared_bytes=2048, private_bytes=32 * 1024, atomic=False, compute=0):
    """Threads mixing private and shared data, the workload of coherence studies.

    Each of ``threads`` threads performs ``ops`` memory operations. Each one is, with
    probability ``shared_fraction``, an access to a random 8-byte word of a shared
    region of ``shared_bytes`` (symbol ``shared``), else to a random word of the
    thread's own ``private_bytes`` (``privN``); with probability ``write_fraction``
    it is a store, else a load. Shared accesses are plain, or ``Relaxed`` atomics
    with ``atomic=True``. ``compute`` > 0 puts ``compute N`` (N cycles of work)
    between operations. Larger L1s keep more of the private data; more sharing and
    writing means more invalidations and cache-to-cache transfers.
    """
    _check_positive("threads", threads)
    _check_positive("ops", ops, zero=True)
    _check_positive("compute", compute, zero=True)
    _check_fraction("shared_fraction", shared_fraction)
    _check_fraction("write_fraction", write_fraction)
    for name, n in (("shared_bytes", shared_bytes), ("private_bytes", private_bytes)):
        if n < 8 or n % 8:
            raise ValueError(f"{name} must be a positive multiple of 8, got {n!r}")
    rng = random.Random(seed)
    order = " Relaxed" if atomic else ""
    out = []
    for t in range(threads):
        body, value = [], t << 32
        for _ in range(ops):
            value += 1
            if rng.random() < shared_fraction:
                addr, o = f"shared+{8 * rng.randrange(shared_bytes // 8)}", order
            else:
                addr, o = f"priv{t}+{8 * rng.randrange(private_bytes // 8)}", ""
            if rng.random() < write_fraction:
                body.append(f"store {addr} {value}{o}")
            else:
                body.append(f"load {addr}{o} -> r0")
            if compute:
                body.append(f"compute {compute}")
        out.append(body)
    places = [("shared", _SHARED_BASE)] + [(f"priv{t}", _PRIVATE_BASE + t * _PRIVATE_STRIDE)
                                           for t in range(threads)]
    header = (f"cohsim.traces.sharing(threads={threads}, ops={ops}, shared_fraction={shared_fraction}, "
              f"write_fraction={write_fraction}, seed={seed}, shared_bytes={shared_bytes}, "
              f"private_bytes={private_bytes}, atomic={atomic}, compute={compute})")
    return write_trace(path, out, header, places)


def stream(path, threads=1, array_bytes=16 * 1024, passes=1, write_every=4, stride=8):
    """Each thread walks its own array of ``array_bytes`` sequentially, ``passes``
    times, ``stride`` bytes at a time; every ``write_every``-th access is a store
    (0: loads only). One miss per line on the first pass; the later passes hit when
    the array fits the cache. No sharing at all: a baseline."""
    _check_positive("threads", threads)
    _check_positive("passes", passes)
    _check_positive("write_every", write_every, zero=True)
    if stride not in (1, 2, 4, 8) and (stride <= 0 or stride % 8):
        raise ValueError(f"stride must be 1, 2, 4 or a multiple of 8, got {stride!r}")
    if array_bytes < stride:
        raise ValueError(f"array_bytes must be at least stride ({stride}), got {array_bytes!r}")
    size = f".{stride}" if stride < 8 else ""
    out = []
    for t in range(threads):
        body, i = [], 0
        for _ in range(passes):
            for off in range(0, array_bytes - array_bytes % stride, stride):
                i += 1
                if write_every and i % write_every == 0:
                    body.append(f"store{size} arr{t}+{off} {i % (1 << (8 * min(stride, 8)))}")
                else:
                    body.append(f"load{size} arr{t}+{off} -> v")
        out.append(body)
    places = [(f"arr{t}", _PRIVATE_BASE + t * _PRIVATE_STRIDE) for t in range(threads)]
    header = (f"cohsim.traces.stream(threads={threads}, array_bytes={array_bytes}, passes={passes}, "
              f"write_every={write_every}, stride={stride})")
    return write_trace(path, out, header, places)


def pingpong(path, threads=2, rounds=16, gap=40, ordering="Relaxed", read_first=False):
    """Threads take turns writing one cache line (symbol ``ball``): thread t starts
    ``t * gap / threads`` cycles late, then stores and waits ``gap`` cycles, ``rounds``
    times, so the line migrates from cache to cache on every store: each store
    misses and invalidates the previous writer's copy. With ``read_first=True`` each
    turn loads the line before storing to it (a GetS, then an upgrade to M).
    ``ordering`` is that of the atomic accesses (``None``: plain accesses)."""
    _check_positive("threads", threads)
    _check_positive("rounds", rounds)
    _check_positive("gap", gap, zero=True)
    if ordering is not None and ordering not in _ORDERINGS:
        raise ValueError(f"ordering {ordering!r}: valid orderings are None (plain), {', '.join(_ORDERINGS)}")
    store_o = "" if ordering is None else " " + ("Release" if ordering in ("Acquire", "AcqRel") else ordering)
    load_o = "" if ordering is None else " " + ("Acquire" if ordering in ("Release", "AcqRel") else ordering)
    out = []
    for t in range(threads):
        body = []
        if t and gap:
            body.append(f"compute {max(1, gap * t // threads)}")
        for r in range(rounds):
            if read_first:
                body.append(f"load ball{load_o} -> r0")
            body.append(f"store ball {r * threads + t + 1}{store_o}")
            if gap:
                body.append(f"compute {gap}")
        out.append(body)
    header = (f"cohsim.traces.pingpong(threads={threads}, rounds={rounds}, gap={gap}, "
              f"ordering={ordering!r}, read_first={read_first})")
    return write_trace(path, out, header, [("ball", _SHARED_BASE)])
