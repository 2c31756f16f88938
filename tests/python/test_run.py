"""cohsim.run: one simulation in a child process; the same statistics as the command line."""
import json
import os
import sys

import pytest

import cohsim
from cohsim import _runner
from conftest import cli, repo

sys.path.insert(0, repo("tests"))
from reference_runs import drop_provenance  # noqa: E402

DEFAULT = repo("configs", "default.yaml")
CLASSROOM = repo("configs", "classroom-msi.yaml")


def cli_run(config, trace, seed, sets, tmp_path):
    out = tmp_path / "cli.json"
    args = ["run", config, "--stats", str(out), "--seed", str(seed)]
    if trace:
        args += ["--trace", trace]
    for s in sets:
        args += ["--set", s]
    p = cli(*args)
    return out.read_text(), p.stdout


def check_same_as_cli(config, trace, seed, sets, tmp_path):
    cfg = cohsim.Config.load(config)
    for s in sets:
        cfg.set_assignment(s)
    r = cohsim.run(cfg, trace, seed=seed)
    text, stdout = cli_run(config, trace, seed, sets, tmp_path)
    expected = json.loads(text)
    assert r.stats.keys() | {"_provenance", "_advice"} == expected.keys()
    assert r.advice == expected["_advice"]
    for k, v in expected.items():
        if k in ("_provenance", "_advice"):
            continue
        assert r.stats[k] == v, k
    # byte for byte but for "_provenance" (its host time)
    assert drop_provenance(r.to_json()) == drop_provenance(text)
    p = dict(r.provenance)
    assert p.pop("host_time") and expected["_provenance"].pop("host_time")
    assert p == expected["_provenance"]
    if trace:
        assert r.summary() == stdout
    return r


def test_default_config_and_its_trace(tmp_path):
    r = check_same_as_cli(DEFAULT, None, 0, [], tmp_path)
    assert r.completed and r.cycles == r.stats["cycles"] > 0 and r.ops == r.stats["ops"]
    assert os.path.samefile(r.trace, repo("traces", "default.trace"))


def test_classroom_pingpong(tmp_path):
    r = check_same_as_cli(CLASSROOM, repo("traces", "pingpong.trace"), 0, [], tmp_path)
    assert r["core0.l1d.invalidations"] + r["core1.l1d.invalidations"] > 0


@pytest.mark.parametrize("protocol", cohsim.protocol_choices())
def test_every_protocol_with_overrides_and_seed(protocol, small_trace, tmp_path):
    sets = [f"coherence.protocol={protocol}", "l1d.size=4KiB", "l1d.assoc=2", "core.start_jitter=40"]
    check_same_as_cli(DEFAULT, small_trace, 7, sets, tmp_path)


def test_result_api(small_trace):
    r = cohsim.run(DEFAULT, small_trace, seed=1)
    assert r.seed == 1 and r.config["seed"] == "1"
    s = r.to_pandas()
    assert s["cycles"] == r.stats["cycles"]
    hist = [k for k, v in r.stats.items() if isinstance(v, dict)]
    assert hist and s[hist[0] + ".count"] == r.stats[hist[0]]["count"]
    assert "core0" in r.summary() and "bus" in r.summary()
    html = r._repr_html_()
    assert html.startswith("<div") and "core1" in html and "<table>" in html
    assert "cycles" in repr(r)
    assert r.cores == [0, 1, 2, 3]


def test_runs_follow_each_other_in_one_interpreter(small_trace):
    a = cohsim.run(DEFAULT, small_trace)
    b = cohsim.run(DEFAULT, small_trace)
    assert a.stats == b.stats


def test_max_cycles_and_events(small_trace, tmp_path):
    events = tmp_path / "ev.jsonl"
    r = cohsim.run(DEFAULT, small_trace, max_cycles=200, events=events)
    assert not r.completed and r.cycles <= 210
    lines = events.read_text().splitlines()
    header, first = json.loads(lines[0]), json.loads(lines[1])
    assert header["schema"] == 6 and header["kind"] == "header"
    assert {"time_ps", "kind"} <= first.keys()


def _dram_config(model="dram"):
    cfg = cohsim.Config.load(DEFAULT)
    for key, value in [("cores", "1"), ("memory.model", model), ("l2", "null"), ("l3", "null"),
                       ("l1d.size", "4KiB"), ("l1d.assoc", "2")]:
        cfg.set(key, value)
    return cfg


def _dram_trace(path):
    # Loads and stores over the rows of one bank (row conflicts: PRE), dirty lines evicted
    # (WR), and a long compute (refreshes).
    lines = ["thread 0"]
    for i in range(96):
        a = 0x100000 + (i % 6) * 0x100000 + (i // 6) * 0x2000
        lines.append(f"store {a:#x} {i}" if i % 3 == 0 else f"load {a:#x} -> r0")
    lines.append("compute 60000")
    lines += [f"load {0x900000 + i * 0x40:#x} -> r0" for i in range(24)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_events_dram_records_every_dram_command(tmp_path):
    trace = _dram_trace(tmp_path / "dram.trace")
    cfg = _dram_config()
    with_dram, without = tmp_path / "dram.jsonl", tmp_path / "plain.jsonl"
    r = cohsim.run(cfg, trace, events=with_dram, events_dram=True)
    plain = cohsim.run(cfg, trace, events=without)
    # The same run: recording the commands changes no statistic.
    assert r.stats == plain.stats
    records = [json.loads(line) for line in with_dram.read_text().splitlines()[1:]]
    dram = [x for x in records if x["kind"] == "dram"]
    assert not any(json.loads(line)["kind"] == "dram" for line in without.read_text().splitlines()[1:])
    # Every command, as many as the controller counted (hand-checked kinds, not a total).
    count = {cmd: sum(1 for x in dram if x["cmd"] == cmd) for cmd in ("ACT", "PRE", "RD", "WR", "REF")}
    assert count["ACT"] == r["memory.activates"] > 0
    assert count["PRE"] == r["memory.precharges"] > 0
    assert count["REF"] == r["memory.refreshes"] > 0
    assert count["RD"] == sum(v for k, v in r.stats.items() if k.startswith("memory.ch") and k.endswith(".reads")) > 0
    assert count["WR"] == sum(v for k, v in r.stats.items() if k.startswith("memory.ch") and k.endswith(".writes")) > 0
    # The same records as the command line's --events-dram.
    cfg_file = tmp_path / "dram.yaml"
    cfg_file.write_text(cfg.to_yaml())
    cli_log = tmp_path / "cli.jsonl"
    cli("run", str(cfg_file), "--trace", str(trace), "--quiet", "--events", str(cli_log), "--events-dram")
    assert [x for x in (json.loads(line) for line in cli_log.read_text().splitlines()[1:]) if x["kind"] == "dram"] == dram


def test_events_dram_needs_events_and_dram(tmp_path):
    trace = _dram_trace(tmp_path / "dram.trace")
    with pytest.raises(ValueError, match="needs events"):
        cohsim.run(_dram_config(), trace, events_dram=True)
    with pytest.raises(TypeError, match="events_dram must be a bool"):
        cohsim.run(_dram_config(), trace, events=tmp_path / "e.jsonl", events_dram="yes")
    with pytest.raises(cohsim.ConfigError, match="memory.model=dram"):
        cohsim.run(_dram_config("fixed"), trace, events=tmp_path / "e.jsonl", events_dram=True)


def test_missing_trace_is_file_not_found():
    with pytest.raises(FileNotFoundError):
        cohsim.run(DEFAULT, repo("traces", "no-such.trace"))


def test_no_trace_at_all_is_a_config_error():
    with pytest.raises(cohsim.ConfigError, match="no trace"):
        cohsim.run(cohsim.Config.defaults())


def test_bad_set_raises_before_running():
    with pytest.raises(cohsim.ConfigError, match=r"^--set seed=-1: "):
        cohsim.run(DEFAULT, seed=-1)


def test_malformed_trace_is_a_trace_error(tmp_path):
    bad = tmp_path / "bad.trace"
    bad.write_text("thread 0\n  store x 1\n  load x Aquire -> r0\n")
    with pytest.raises(cohsim.TraceError) as e:
        cohsim.run(DEFAULT, bad)
    p = cli("run", DEFAULT, "--trace", str(bad), "--quiet", check=False)
    assert p.returncode == 1
    assert p.stderr == f"cohsim: error: {e.value}\n"
    assert str(e.value).startswith(f"{bad}:3:")


def test_too_many_threads_is_a_trace_error(small_trace):
    cfg = cohsim.Config.load(DEFAULT)
    cfg.set("cores", 1)
    with pytest.raises(cohsim.TraceError, match="set cores to at least 2"):
        cohsim.run(cfg, small_trace)


CRASH = ("import os, signal, sys; sys.stderr.write('about to crash\\n'); sys.stderr.flush(); "
         "os.kill(os.getpid(), signal.SIGSEGV)")


def test_a_crash_of_the_child_is_a_simulation_error(monkeypatch, small_trace):
    monkeypatch.setattr(_runner, "_worker_command", lambda: [sys.executable, "-c", CRASH])
    with pytest.raises(cohsim.SimulationError, match=r"(?s)killed by SIGSEGV.*about to crash"):
        cohsim.run(DEFAULT, small_trace)


def test_timeout_is_a_simulation_error(monkeypatch, small_trace):
    monkeypatch.setattr(_runner, "_worker_command", lambda: [sys.executable, "-c", "import time; time.sleep(30)"])
    with pytest.raises(cohsim.SimulationError, match="did not finish within 0.5 s"):
        cohsim.run(DEFAULT, small_trace, timeout=0.5)


def test_trace_error_quoting_bytes_that_are_not_utf8_is_a_trace_error_with_its_message(tmp_path):
    bad = tmp_path / "bytes.trace"
    bad.write_bytes(b"thread 0\n  lo\xff\xfead 0x100\n")
    with pytest.raises(cohsim.TraceError) as e:
        cohsim.run(DEFAULT, bad)
    assert str(e.value).startswith(f"{bad}:2:3: unknown operation 'lo\ufffd\ufffdad'")
    with pytest.raises(cohsim.TraceError) as e:  # in this process (trace stats)
        cohsim.trace_stats(bad)
    assert str(e.value).startswith(f"{bad}:2:3: unknown operation 'lo\ufffd\ufffdad'")


def test_intervals_as_a_dataframe(tmp_path):
    # one core: 3000 loads over 8 lines, then 200 loads each to a new line
    trace = tmp_path / "phased.trace"
    body = ["thread 0"] + [f"  load {0x10000 + (i % 8) * 64} -> r1" for i in range(3000)]
    body += [f"  load {0x100000 + i * 64} -> r2" for i in range(200)]
    trace.write_text("\n".join(body) + "\n")
    cfg = cohsim.Config.defaults()
    cfg.set("cores", 1)
    r = cohsim.run(cfg, str(trace), stats_interval=400)
    df = r.intervals()
    assert df.index.name == "cycle"
    assert list(df.index[:-1]) == [400 * (i + 1) for i in range(len(df) - 1)]
    assert df.index[-1] == r.cycles
    assert str(df["core0.l1d.primary_misses"].dtype) == "Int64"
    last = df.iloc[-1]
    assert last["core0.l1d.primary_misses"] == r["core0.l1d.primary_misses"] == 208
    # phase behaviour: the per-interval misses are 0 in warm phase 1 and rise in phase 2
    per = df["core0.l1d.primary_misses"].diff().fillna(df["core0.l1d.primary_misses"].iloc[0])
    loads = df["core0.loads"]
    assert (per[(loads > 100) & (loads <= 3000) & (loads.shift(1) > 100)] == 0).all()
    assert df["core0.l1d.primary_misses"][loads <= 3000].max() == 8
    assert per[loads > 3000].sum() == 200 and (per[loads.shift(1) >= 3000].iloc[:-1] > 0).all()
    plain = cohsim.run(cfg, str(trace))
    assert plain.stats == r.stats  # the snapshots change nothing
    with pytest.raises(ValueError):
        plain.intervals()


def test_warmup_measures_only_the_second_half(tmp_path):
    # one core: 40 loads to new lines (misses), a fence, then the same 40 again (hits)
    trace = tmp_path / "half.trace"
    lines = [f"  load {0x100000 + 64 * i}" for i in range(40)]
    trace.write_text("\n".join(["thread 0"] + lines + ["  fence SeqCst"] + lines) + "\n")
    cfg = cohsim.Config.defaults()
    cfg.set("cores", 1)
    whole = cohsim.run(cfg, str(trace))
    assert whole["core0.l1d.misses"] == 40 and whole["core0.l1d.hits"] == 40
    r = cohsim.run(cfg, str(trace), warmup=41)
    assert r["core0.l1d.misses"] == 0 and r["core0.l1d.hits"] == 40 and r["ops"] == 40
    assert r.ops == 81 and r.cycles == whole.cycles  # the whole run's
    assert r["cycles"] == r["window.end_cycle"] - r["window.start_cycle"]
    assert 0 <= r["bus.utilization"] <= 1
    assert r.provenance["warmup"] == 41
    assert cohsim.run(cfg, str(trace), warmup=0).stats == whole.stats
    for bad in (-1, "3", True, 1.5):
        with pytest.raises(ValueError):
            cohsim.run(cfg, str(trace), warmup=bad)
