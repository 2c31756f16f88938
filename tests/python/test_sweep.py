"""cohsim.sweep: one row per run, the same rows whatever the jobs or executor, bad
points reported in their row."""
import os
import shutil
import sys

import pytest

import cohsim
from cohsim import _runner
from conftest import repo

DEFAULT = repo("configs", "default.yaml")
SIZES = ["4KiB", "3KiB", "16KiB"]  # 3KiB: 6 sets, not a power of two -> a failing point


def base_config():
    cfg = cohsim.Config.load(DEFAULT)
    cfg.set("core.start_jitter", 30)  # so that the seed changes the interleaving
    return cfg


def do_sweep(trace, **kw):
    with pytest.warns(RuntimeWarning, match="runs failed"):
        return cohsim.sweep(base_config(), grid={"l1d.size": SIZES, "coherence.protocol": cohsim.protocol_choices()},
                            traces=[trace], seeds=[0, 1], **kw)


@pytest.fixture(scope="module")
def sequential(small_trace):
    return do_sweep(small_trace, jobs=1)


def test_rows_columns_and_failing_points(sequential, small_trace):
    df = sequential
    protocols = cohsim.protocol_choices()
    assert len(df) == len(SIZES) * len(protocols) * 2
    assert list(df.columns[:6]) == ["l1d.size", "coherence.protocol", "trace", "seed", "error", "cycles"]
    expected = [(s, p, seed) for s in SIZES for p in protocols for seed in (0, 1)]
    assert list(zip(df["l1d.size"], df["coherence.protocol"], df["seed"])) == expected
    assert (df["trace"] == small_trace).all()
    bad = df[df["l1d.size"] == "3KiB"]
    good = df[df["l1d.size"] != "3KiB"]
    assert bad["error"].str.startswith("--set l1d.size=3KiB: l1d: size 3KiB / (assoc 8").all()
    assert bad["cycles"].isna().all()
    assert good["error"].isna().all() and (good["completed"] == 1).all() and (good["cycles"] > 0).all()
    assert "core1.l1d.misses" in df.columns and "core0.load_latency_core_cycles.mean" in df.columns


def test_a_row_equals_a_run(sequential, small_trace):
    row = sequential.iloc[-1]
    cfg = base_config()
    cfg.set("l1d.size", row["l1d.size"])
    cfg.set("coherence.protocol", row["coherence.protocol"])
    r = cohsim.run(cfg, small_trace, seed=int(row["seed"]))
    for k, v in r.to_dict().items():
        assert row[k] == v, k


def test_jobs_2_gives_the_same_frame(sequential, small_trace):
    assert do_sweep(small_trace, jobs=2).equals(sequential)


def test_dask_cluster_gives_the_same_frame(sequential, small_trace):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        df = do_sweep(small_trace, executor=client.get_executor())
    assert df.equals(sequential)


CRASH_IF_ASKED = """
import io, json, os, signal, sys
data = sys.stdin.read()
if os.path.basename(json.loads(data)["trace"]) == "crash.trace":
    sys.stderr.write("simulated crash\\n"); sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGSEGV)
sys.stdin = io.StringIO(data)
import runpy
runpy.run_module("cohsim._worker", run_name="__main__")
"""


def test_crash_bad_trace_and_missing_trace_fail_their_rows_only(monkeypatch, small_trace, tmp_path):
    monkeypatch.setattr(_runner, "_worker_command", lambda: [sys.executable, "-c", CRASH_IF_ASKED])
    crash = str(tmp_path / "crash.trace")
    shutil.copy(small_trace, crash)
    malformed = tmp_path / "malformed.trace"
    malformed.write_text("thread 0\n  load x Aquire\n")
    missing = str(tmp_path / "missing.trace")
    traces = [small_trace, crash, str(malformed), missing]
    with pytest.warns(RuntimeWarning, match="6 of 8 runs failed"):
        df = cohsim.sweep(DEFAULT, grid={"l1d.size": ["8KiB", "32KiB"]}, traces=traces, jobs=2)
    assert list(df["trace"]) == traces * 2
    err = dict(zip(df["trace"], df["error"]))
    assert err[small_trace] is None
    assert "killed by SIGSEGV" in err[crash] and "simulated crash" in err[crash]
    assert err[str(malformed)].startswith(f"{malformed}:2:") and "Acquire" in err[str(malformed)]
    assert "no such trace file" in err[missing]
    assert (df[df["trace"] == small_trace]["cycles"] > 0).all()


def test_progress_only_when_asked_or_a_terminal(capsys, small_trace):
    cohsim.sweep(DEFAULT, traces=[small_trace], seeds=[0, 1], jobs=2)
    assert capsys.readouterr().err == ""  # stderr is not a terminal here
    cohsim.sweep(DEFAULT, traces=[small_trace], seeds=[0, 1], jobs=2, progress=True)
    err = capsys.readouterr().err
    assert "cohsim sweep [" in err and "2/2 runs" in err and err.endswith("\n")


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        cohsim.sweep(DEFAULT, grid={"l1d.size": []})
    with pytest.raises(ValueError):
        cohsim.sweep(DEFAULT, jobs=0)


def test_a_point_that_kills_its_process_fails_its_row_only(monkeypatch, small_trace):
    # The point's values are set in the child: a value that crashes the simulator
    # while the configuration is being set up (here: a stand-in that makes the child
    # kill itself when it sees the value) fails that row, the sweep goes on, and this
    # interpreter lives.
    crash_on_value = CRASH_IF_ASKED.replace(
        'os.path.basename(json.loads(data)["trace"]) == "crash.trace"',
        '["l1d.assoc", "3"] in json.loads(data)["overrides"]')
    monkeypatch.setattr(_runner, "_worker_command", lambda: [sys.executable, "-c", crash_on_value])
    with pytest.warns(RuntimeWarning, match="2 of 3 runs failed"):
        df = cohsim.sweep(DEFAULT, grid={"l1d.assoc": [2, 3, "many"]}, traces=[small_trace], jobs=2)
    err = list(df["error"])
    assert err[0] is None and df["cycles"][0] > 0
    assert "killed by SIGSEGV" in err[1]
    assert "l1d.assoc" in err[2]


def test_points_are_set_in_the_child_process(small_trace):
    # The parent never calls the extension with a point's values.
    base = cohsim.Config.load(DEFAULT)
    df = cohsim.sweep(base, grid={"seed": [3]}, traces=[small_trace], jobs=1)
    assert df["seed"][0] == 3 and df["error"][0] is None
    assert base.value("seed") == 0


def test_several_seeds_that_cannot_matter_warn_once_naming_the_keys(small_trace):
    import warnings

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        df = cohsim.sweep(DEFAULT, grid={"l1d.size": ["16KiB", "32KiB"]}, traces=[small_trace], seeds=[0, 1], jobs=2)
    seeds_w = [x for x in w if "seeds cannot change" in str(x.message)]
    assert len(seeds_w) == 1
    msg = str(seeds_w[0].message)
    for key in ("core.start_jitter", "network.jitter", "l1d.replacement"):
        assert key in msg
    # and it is true: the two seeds of each point gave the same statistics
    stats = [c for c in df.columns if c not in ("seed", "trace", "error")]
    for size in ("16KiB", "32KiB"):
        rows = df[df["l1d.size"] == size][stats]
        assert rows.iloc[0].equals(rows.iloc[1])
    # a point drawing from the seed (start jitter, a random replacement policy): no warning
    for grid in ({"core.start_jitter": [0, 40]}, {"l1d.replacement": ["lru", "random"]}):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            cohsim.sweep(DEFAULT, grid=grid, traces=[small_trace], seeds=[0, 1], jobs=2)
        assert not [x for x in w if "seeds cannot change" in str(x.message)]
    # one seed: nothing to say
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        cohsim.sweep(DEFAULT, traces=[small_trace], seeds=[0], jobs=1)
    assert not [x for x in w if "seeds cannot change" in str(x.message)]


def test_seed_keys_are_the_declared_ones():
    keys = cohsim.sweeps.seed_keys()
    assert {"core.start_jitter", "network.jitter", "l1d.replacement"} <= set(keys)
    assert cohsim.sweeps.seed_matters({"core.start_jitter": "0", "l1d.replacement": "lru"}) == []
    assert cohsim.sweeps.seed_matters({"l2.replacement": "random"}) == ["l2.replacement: random"]
    # BRRIP's bimodal fills (and DRRIP's, in its BRRIP sets) draw from the seed; SRRIP and SHiP do not
    assert cohsim.sweeps.seed_matters({"l3.replacement": "brrip"}) == ["l3.replacement: brrip"]
    assert cohsim.sweeps.seed_matters({"l1d.replacement": "drrip"}) == ["l1d.replacement: drrip"]
    assert cohsim.sweeps.seed_matters({"l1d.replacement": "srrip", "l2.replacement": "ship"}) == []
    assert cohsim.sweeps.seed_matters({"network.jitter": "8", "coherence.fabric": "bus"}) == []
    assert cohsim.sweeps.seed_matters({"network.jitter": "8", "coherence.fabric": "directory"}) == ["network.jitter: 8"]


def test_sweep_keeps_each_rows_provenance(small_trace):
    df = cohsim.sweep(DEFAULT, grid={"l1d.size": ["16KiB", "32KiB"]}, traces=[small_trace], jobs=2)
    prov = df.attrs["provenance"]
    assert len(prov) == len(df)
    for i, p in enumerate(prov):
        assert cohsim.Config.from_yaml(p["config"]).value("l1d.size") == {"16KiB": 16384, "32KiB": 32768}[df["l1d.size"][i]]
        assert os.path.samefile(p["trace"]["path"], small_trace) and len(p["trace"]["fnv1a64"]) == 16
        assert p["seed"] == df["seed"][i] and p["host_time"].endswith("Z")
        assert "cycles" not in p and "_provenance" not in df.columns
    # and the host time each simulation took
    wall = df.attrs["wall_seconds"]
    assert len(wall) == len(df) and all(isinstance(w, float) and 0 < w < 60 for w in wall)
