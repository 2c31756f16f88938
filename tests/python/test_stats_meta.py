"""Statistics explain themselves: Result.describe, cohsim.describe_stat, --stats-schema."""
import json

import pytest

import cohsim
from conftest import cli, repo

DEFAULT = repo("configs", "default.yaml")


def test_describe_a_statistic_of_a_run():
    r = cohsim.run(cohsim.Config.load(DEFAULT), repo("traces", "stream.trace"), seed=0)
    text = r.describe("core0.l1d.secondary_misses")
    assert text.startswith(f"core0.l1d.secondary_misses = {r.stats['core0.l1d.secondary_misses']} [count]")
    assert "MSHR" in text
    assert "[cycles (core clock)]" in r.describe("core0.fence_stall_core_cycles")
    with pytest.raises(KeyError, match="no such statistic"):
        r.describe("core0.l1d.no_such_thing")


def test_describe_stat_matches_patterns():
    d = cohsim.describe_stat("node1.memory.row_hits")
    assert d["pattern"] == "[node*.]memory.row_hits" and d["unit"] == "count" and d["clock"] == ""
    assert cohsim.describe_stat("bus.avg_wait_uncore_cycles")["clock"] == "uncore"
    assert cohsim.describe_stat("memory.read_latency_p99_ns")["unit"] == "ns"
    assert cohsim.describe_stat("nothing.here") is None


def test_stats_schema_declares_every_key(tmp_path):
    out = tmp_path / "s.json"
    cli("run", DEFAULT, "--quiet", "--stats", str(out), "--stats-schema")
    d = json.loads(out.read_text())
    meta = d.pop("_meta")
    assert d.pop("_provenance")["seed"] == 0  # what produced the file, not a statistic
    assert set(d.pop("_advice")) == {"lines", "saturated"}  # the sharing advisor's report
    assert set(meta) == set(d)
    assert meta["cycles"]["unit"] == "cycles" and meta["cycles"]["clock"] == "core"
    # without --stats-schema the JSON holds statistics only
    out2 = tmp_path / "plain.json"
    cli("run", DEFAULT, "--quiet", "--stats", str(out2))
    plain = json.loads(out2.read_text())
    assert plain.pop("_provenance")["seed"] == 0
    plain.pop("_advice")
    assert plain == d


def test_counts_are_integers_in_pandas():
    r = cohsim.run(cohsim.Config.load(DEFAULT), repo("traces", "stream.trace"), seed=0)
    s = r.to_pandas()
    assert type(s["core0.l1d.hits"]) is int and type(s["memory.row_hits"]) is int
    assert type(s["core0.l1d.hit_rate"]) is float
    df = cohsim.sweep(DEFAULT, grid={"l1d.size": ["16KiB", "32KiB"]}, traces=[repo("traces", "stream.trace")], jobs=1)
    assert str(df["core0.l1d.misses"].dtype) == "Int64" and str(df["cycles"].dtype) == "Int64"
    assert df["core0.l1d.hit_rate"].dtype.kind == "f"
