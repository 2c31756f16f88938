"""Protocol tables, trace tools, trace generators, plots and the examples."""
import os
import subprocess
import sys

import pytest

import cohsim
from conftest import cli, repo


def test_protocols_are_the_command_lines():
    listed = cli("protocol", "list").stdout
    assert listed == "".join(f"{p.name} ({p.fabric}): {p.description}\n" for p in cohsim.protocols())
    assert "msi" in cohsim.protocol_choices()
    assert set(cohsim.protocol_choices()) == {p.name for p in cohsim.protocols()}


@pytest.mark.parametrize("fmt", ["text", "md", "csv"])
def test_protocol_tables_are_the_command_lines(fmt):
    for p in cohsim.protocols():
        expected = cli("protocol", "show", p.name, "--fabric", p.fabric, "--format", fmt).stdout
        assert cohsim.protocol_table(p.name, p.fabric, format=fmt) == expected


def test_protocol_table_as_pandas_and_errors():
    df = cohsim.protocol_table("msi", format="pandas")
    assert list(df.columns[:2]) == ["state", "event"] and "M" in set(df["state"])
    with pytest.raises(cohsim.UserError) as e:
        cohsim.protocol_table("mso")
    assert str(e.value) == cli("protocol", "show", "mso", check=False).stderr.removeprefix("cohsim: error: ").rstrip()
    with pytest.raises(cohsim.UserError, match="valid formats are text, md, csv, html, dot, svg, png"):
        cohsim.protocol_table("msi", format="jpeg")
    assert '"I" -> "S"' in cohsim.protocol_table("msi", format="dot")
    assert cohsim.protocol_table("msi", format="html").startswith("<!DOCTYPE html>")


def test_protocol_pictures(tmp_path):
    svg = cohsim.protocol_table("moesi", format="svg")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    png = cohsim.protocol_table("moesi", format="png")
    assert isinstance(png, bytes) and png[:8] == b"\x89PNG\r\n\x1a\n"
    out = tmp_path / "moesi.png"
    cli("protocol", "show", "moesi", "--format", "png", "-o", str(out))
    assert out.read_bytes() == png


def test_trace_stats_and_convert(tmp_path):
    mp = repo("traces", "mp.trace")
    assert cohsim.trace_stats(mp, format="json") == cli("trace", "stats", mp, "--json").stdout
    assert cohsim.trace_stats(mp, format="text") == cli("trace", "stats", mp).stdout
    s = cohsim.trace_stats(mp)
    assert s["threads"] == 2 and s["ops"] == sum(s["ops_per_thread"])
    binary = cohsim.convert_trace(mp, tmp_path / "mp.bin")
    back = cohsim.convert_trace(binary, tmp_path / "mp.trace")
    cli("trace", "convert", mp, str(tmp_path / "cli.bin"))
    assert (tmp_path / "mp.bin").read_bytes() == (tmp_path / "cli.bin").read_bytes()
    assert cohsim.trace_stats(back)["by_kind"] == s["by_kind"]
    with pytest.raises(FileNotFoundError):
        cohsim.trace_stats(tmp_path / "none.trace")
    bad = tmp_path / "bad.trace"
    bad.write_text("load x\n")
    with pytest.raises(cohsim.TraceError, match=rf"^{bad}:1"):
        cohsim.trace_stats(bad)


def test_generators_write_valid_deterministic_traces(tmp_path):
    a = cohsim.traces.sharing(tmp_path / "a.trace", threads=3, ops=200, shared_fraction=0.5, write_fraction=0.5, seed=4)
    b = cohsim.traces.sharing(tmp_path / "b.trace", threads=3, ops=200, shared_fraction=0.5, write_fraction=0.5, seed=4)
    c = cohsim.traces.sharing(tmp_path / "c.trace", threads=3, ops=200, shared_fraction=0.5, write_fraction=0.5, seed=5)
    assert open(a).read() == open(b).read() != open(c).read()
    s = cohsim.trace_stats(a)
    assert s["threads"] == 3 and s["ops"] == 600 and s["shared_lines"] > 0
    s = cohsim.trace_stats(cohsim.traces.sharing(tmp_path / "p.trace", threads=2, ops=100, shared_fraction=0.0))
    assert s["shared_lines"] == 0
    s = cohsim.trace_stats(cohsim.traces.stream(tmp_path / "s.trace", threads=2, array_bytes=1024, passes=2))
    assert s["ops_per_thread"] == [256, 256] and s["lines"] == 32 and s["by_kind"]["store"] == 128
    s = cohsim.trace_stats(cohsim.traces.stream(tmp_path / "s4.trace", array_bytes=64, stride=4))
    assert s["ops"] == 16
    pp = cohsim.traces.pingpong(tmp_path / "pp.trace", threads=2, rounds=5, read_first=True)
    s = cohsim.trace_stats(pp)
    assert s["by_kind"]["store"] == 10 and s["by_kind"]["load"] == 10 and s["lines"] == 1
    r = cohsim.run(repo("configs", "classroom-msi.yaml"), pp)
    assert r["core0.l1d.invalidations"] > 0 and r["core1.l1d.invalidations"] > 0
    with pytest.raises(ValueError):
        cohsim.traces.sharing(tmp_path / "x.trace", shared_fraction=1.5)
    with pytest.raises(ValueError):
        cohsim.traces.pingpong(tmp_path / "x.trace", ordering="Aquire")


def test_plot_helpers_write_pngs(tmp_path):
    import pandas as pd

    import cohsim.plot

    df = pd.DataFrame({"l1d.size": ["4KiB", "8KiB", "4KiB", "8KiB", "4KiB"],
                       "coherence.protocol": ["msi", "msi", "mesi", "mesi", "msi"],
                       "cycles": [10.0, 8.0, 9.0, 7.0, 12.0],
                       "error": [None, None, None, None, None]})
    for i, ax in enumerate([cohsim.plot.metric(df, "l1d.size", "cycles", hue="coherence.protocol"),
                            cohsim.plot.bars(df, "l1d.size", "cycles", hue="coherence.protocol"),
                            cohsim.plot.heatmap(df, "l1d.size", "coherence.protocol", "cycles")]):
        path = cohsim.plot.save(ax, tmp_path / f"p{i}.png")
        assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(KeyError):
        cohsim.plot.metric(df, "l1d.size", "no.such.column")


def run_example(name, *args, cwd):
    p = subprocess.run([sys.executable, repo("python", "examples", name), *args], capture_output=True,
                       text=True, cwd=cwd, env={**os.environ, "MPLBACKEND": "Agg"})
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_teaching_example(tmp_path):
    out = run_example("teach_msi.py", "--rounds", "2", cwd=tmp_path)
    assert "msi (bus)" in out and "invalidated by the other core's GetM" in out and "M.Other-GetM" in out


def test_sweep_example(tmp_path):
    out = run_example("sweep_l1_protocol.py", "--quick", "--out", str(tmp_path), "--jobs", "2", cwd=tmp_path)
    assert "0 failed" in out
    assert (tmp_path / "l1_vs_protocol.png").stat().st_size > 10000
    import pandas as pd

    df = pd.read_csv(tmp_path / "l1_vs_protocol.csv")
    assert set(df["coherence.protocol"]) == set(cohsim.protocol_choices())


def test_prefetch_replacement_sweep_example(tmp_path):
    out = run_example("sweep_prefetch_replacement.py", "--quick", "--out", str(tmp_path), "--jobs", "2", cwd=tmp_path)
    assert "28 runs (0 failed)" in out
    assert (tmp_path / "prefetch_replacement.png").stat().st_size > 10000
    import pandas as pd

    df = pd.read_csv(tmp_path / "prefetch_replacement.csv")
    assert set(df["replacement"]) == {"lru", "plru", "random", "srrip", "brrip", "drrip", "ship"}
    assert set(df["l1d.prefetcher"]) == {"none", "next_line"} and set(df["trace"]) == {"mix", "loop+scan"}
    # the host time of each run, and per reference (30000 per stream)
    assert (df["host_seconds"] > 0).all() and (df["host_ns_per_ref"] > 0).all()
    assert ((df["host_ns_per_ref"] - 1e9 * df["host_seconds"] / 30000).abs() < 1e-6).all()
    assert "loop+scan: host wall time per reference (ns; --jobs 2 at once; noisy" in out
    # loop+scan, 30000 loads: passes of 8192 (a 3072-line array read twice, a 2048-line
    # scan); per L2 set 6 array lines and 4 scan lines, 8 ways. By hand: LRU loses the
    # array to every scan, so each pass's first read misses: 3 x (3072 + 2048) + 3072
    # (the fourth, partial pass) = 18432 misses. SRRIP keeps it (hit, so RRPV 0; a scan
    # of 4 ages it once): 5120 + 2 x 2048 = 9216.
    loop = df[(df["trace"] == "loop+scan") & (df["l1d.prefetcher"] == "none")].set_index("replacement")
    assert loop.loc["lru", "core0.l2.misses"] == 18432
    assert loop.loc["srrip", "core0.l2.misses"] == 9216
    assert loop.loc["ship", "core0.l2.misses"] < loop.loc["lru", "core0.l2.misses"]


def test_stress_matches_the_command_line():
    import json

    from conftest import cli, repo

    cfg = cohsim.Config.load(repo("configs", "stress.yaml"))
    cfg.set("coherence.protocol", "moesi")
    got = cohsim.stress(cfg, ops=20000, seed=3)
    out = cli("stress", repo("configs", "stress.yaml"), "--set", "coherence.protocol=moesi", "--ops", "20000",
              "--seed", "3", "--json")
    assert got == json.loads(out.stdout)
    assert got["violations"] == 0 and got["ops"] == 20000
    assert got["cells_hit"] <= got["cells_reachable"]


def test_stress_rejects_bad_arguments():
    with pytest.raises(ValueError):
        cohsim.stress(None, ops=0)


def test_litmus_runs_and_checks_expectations():
    from conftest import repo

    mp = repo("traces", "litmus", "MP+rlx.litmus")
    x86, arm = cohsim.litmus(mp, isa="x86", runs=60, seed=1)[0], cohsim.litmus([mp], isa="arm", runs=60, seed=1)[0]
    assert x86["test"] == "MP+rlx" and x86["runs"] == 60 and sum(x86["outcomes"].values()) == 60
    assert not x86["condition_observed"]
    assert sum(arm["outcomes"].values()) == 60
    with pytest.raises(FileNotFoundError):
        cohsim.litmus(repo("traces", "litmus", "nope.litmus"))
    with pytest.raises(ValueError):
        cohsim.litmus(mp, isa="sparc")


def test_directory_tables_and_a_directory_run():
    both = cohsim.protocol_table("mesi", "directory")
    assert "mesi (directory)" in both and "mesi (directory-home)" in both
    home = cohsim.protocol_table("mesi", "directory-home", format="pandas")
    assert set(home["state"]) == {"I", "S", "E", "S_D"}
    with pytest.raises(cohsim.UserError, match="'dragon' runs on a bus"):
        cohsim.protocol_table("dragon", "directory")
    cfg = cohsim.Config.from_yaml("cores: 2\ncoherence: {protocol: moesi, fabric: directory}\ncheck: true\n")
    trace = "thread 0\n  store x 7\nthread 1\n  compute 1500\n  load x -> a\n"
    import os, tempfile
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "t.trace")
        with open(p, "w") as f:
            f.write(trace)
        r = cohsim.run(cfg, p)
    assert r.stats["core1.regs.a"] == 7
    assert r.stats["network.msgs.Fwd-GetS"] == 1
    assert r.stats["directory.memory_writes"] == 0
