"""cohsim from Python: configure, run and sweep the cache-coherence simulator.

    import cohsim
    cfg = cohsim.Config.load("configs/default.yaml")
    cfg.set("l1d.size", "64KiB")                       # validated as --set does
    r = cohsim.run(cfg, "traces/default.trace", seed=0)
    r.stats["core0.l1d.misses"], r.to_pandas(), print(r.summary())
    df = cohsim.sweep(cfg, grid={"l1d.size": ["16KiB", "32KiB", "64KiB"],
                                 "coherence.protocol": cohsim.protocol_choices()},
                      traces=["traces/default.trace"], seeds=[0, 1], jobs=2)

Every simulation runs in a child process of its own (SystemC elaborates one design
per process): ``run`` and ``sweep`` can be called any number of times, a crashed
run raises :class:`SimulationError` (or fills the ``error`` column of a sweep), and
the interpreter survives. ``sweep(..., executor=...)`` takes any
``concurrent.futures.Executor``, such as a Dask cluster's ``client.get_executor()``.

Also: ``cohsim.traces`` (workload generators), ``cohsim.plot`` (matplotlib helpers,
imported on first use), ``protocols()``, ``protocol_table()``, ``trace_stats()``,
``convert_trace()``, ``stress()`` (the random tester with table coverage), ``litmus()``
(litmus tests run many times on an ISA), the
configuration reference (``config_params()``) and the statistics' declarations
(``describe_stat(name)``, ``Result.describe(name)``; docs/stats.md).
"""
import os as _os

_os.environ.setdefault("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1")  # before libsystemc loads

from .errors import ConfigError, Error, SimulationError, TraceError, UserError  # noqa: E402
from . import _core  # noqa: E402,F401
from ._data import data_dirs as _data_dirs  # noqa: E402

for _d in _data_dirs():  # relative configs and traces: the installed copies too, as on the command line
    _core.add_data_dir(_d)
from .config import Config, Latency, config_keys, config_params, config_reference  # noqa: E402
from .result import Result, describe as describe_stat, read_intervals  # noqa: E402
from .simulation import run  # noqa: E402
from .sweeps import sweep  # noqa: E402
from .tools import (Protocol, convert_trace, fabric_choices, isa_choices, protocol_choices,  # noqa: E402
                    litmus, protocol_table, protocols, stress, trace_stats)
from . import traces  # noqa: E402

# The version and the git commit the package was built from ("unknown" outside a git
# checkout), as `cohsim --version` prints them; __version__ is PEP 440:
# "0.1.0+g1a2b3c4d5e6f" (".modified" when built from changed sources).
__commit__ = _core.commit
__version__ = _core.version + ("+unknown" if __commit__ == "unknown" else "+g" + __commit__.replace("-", "."))

__all__ = [
    "Config", "ConfigError", "Error", "Latency", "Protocol", "Result", "SimulationError", "TraceError",
    "UserError", "config_keys", "config_params", "config_reference", "convert_trace", "describe_stat", "fabric_choices",
    "isa_choices", "litmus", "plot", "protocol_choices", "protocol_table", "protocols", "read_intervals", "run", "stress", "sweep",
    "trace_stats", "traces",
]


def __getattr__(name):
    # cohsim.plot imports matplotlib: only when it is used.
    if name == "plot":
        import importlib

        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module 'cohsim' has no attribute {name!r}")
