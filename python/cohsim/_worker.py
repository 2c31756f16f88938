"""The child process of one simulation: ``python3 -m cohsim._worker``.

SystemC elaborates one design per process, so every simulation runs in a fresh
interpreter. The request (a JSON object: the configuration as YAML text, the trace,
the run options) comes on stdin; the reply (a JSON object) goes to stdout. Anything
the simulator itself prints on stdout is sent to stderr, which the parent keeps for
its error message if the process dies.

A sweep's request carries the base configuration and the point's ``overrides``
(``[[key, text], ...]``), ``trace`` and ``seed`` as given (None: the config's); the
child prepares the run as :func:`cohsim.simulation.prepare` does and adds ``"point":
{"trace": ..., "seed": ...}`` to its reply.

Reply: ``{"ok": true, "stats_json": ..., "summary": ..., "completed": ..., "cycles":
..., "ops": ..., "wall_seconds": ...}`` (with ``"stats_interval": N`` in the request, also
``"intervals_jsonl"``: the periodic statistics' lines, written to a temporary file) or ``{"ok": false, "error": CLASS, "message":
...}`` with CLASS one of ConfigError, TraceError, UserError, SimulationError.
"""
import json
import os
import signal
import sys


def _classify(message, trace):
    # A UserError raised while the system is built or run comes from the trace
    # (its messages start with the trace's path) or from the configuration.
    return "TraceError" if trace and message.startswith(str(trace) + ":") else "ConfigError"


def main():
    reply_to = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # the simulator's own output, if any, goes to stderr
    os.environ.setdefault("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1")
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops the simulation at once
    try:
        request = json.load(sys.stdin)
        from . import _core
        from .errors import ConfigError, SimulationError, UserError

        point = None
        try:
            cfg = _core.Config.from_yaml(request["config"], request.get("origin", "<yaml>"))
            if "overrides" in request:
                # A sweep point: its values are set and checked here, not in the parent,
                # so that whatever they do to the simulator fails this row only.
                from .config import Config
                from .simulation import prepare

                run_request, c, path, seed = prepare(Config(cfg), request.get("trace"), request.get("seed"),
                                                     dict(request["overrides"]), request.get("max_cycles"))
                request.update(run_request)
                cfg, point = c._c, {"trace": path, "seed": seed}
            if request.get("kind") == "litmus":
                reply = {"litmus": [json.loads(_core.run_litmus(path, cfg, request["isa"], bool(request["lse"]),
                                                                int(request["runs"]), int(request["seed"]),
                                                                int(request.get("jobs") or 0),
                                                                request.get("expect") or ""))
                                    for path in request["paths"]]}
            elif request.get("kind") == "stress":
                reply = {"stress": json.loads(_core.run_stress(cfg, int(request["ops"]), int(request["seed"]),
                                                               int(request["lines"])))}
            else:
                interval = int(request.get("stats_interval") or 0)
                ipath = ""
                if interval:
                    import tempfile

                    fd, ipath = tempfile.mkstemp(prefix="cohsim-intervals-", suffix=".jsonl")
                    os.close(fd)
                try:
                    reply = _core.run_system(cfg, request["trace"], request.get("events") or "",
                                             int(request.get("max_cycles") or 0), interval, ipath,
                                             int(request.get("warmup") or 0),
                                             bool(request.get("events_dram")))
                    if interval:
                        with open(ipath) as f:
                            reply["intervals_jsonl"] = f.read()
                finally:
                    if ipath:
                        os.unlink(ipath)
            reply["ok"] = True
            if point:
                reply["point"] = point
        except ConfigError as e:
            reply = {"ok": False, "error": "ConfigError", "message": str(e)}
        except UserError as e:
            reply = {"ok": False, "error": _classify(str(e), request.get("trace")), "message": str(e)}
        except SimulationError as e:
            reply = {"ok": False, "error": "SimulationError", "message": str(e)}
        except (OSError, TypeError, ValueError) as e:  # a sweep point's trace or value
            reply = {"ok": False, "error": "UserError", "message": str(e)}
    except Exception as e:  # a bug of this package: report it, do not hide it
        reply = {"ok": False, "error": "SimulationError",
                 "message": f"internal error in the simulation process: {type(e).__name__}: {e}"}
    json.dump(reply, reply_to)
    reply_to.flush()
    sys.stderr.flush()
    # Skip the interpreter's and SystemC's teardown: the answer is out.
    os._exit(0)


if __name__ == "__main__":
    main()
