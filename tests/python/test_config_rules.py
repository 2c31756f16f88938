"""Every rule across configuration keys, through cohsim.Config: from_yaml, set,
update and validate refuse it with the command line's message, naming the file:line
(or the --set) of the key to blame; nothing changes on error. The same table runs
through `cohsim config check`, `run` and `stress` in tests/system/config_rules_test.cpp."""
import pytest

import cohsim
from conftest import cli

# (rule, [(key, value), ...] that break it, the key blamed, part of the message)
CASES = [
    ("cache.sets", [("l1d.size", "48KiB")], "l1d.size", "the number of sets must be a power of two"),
    ("cache.line_size", [("l2.line_size", "128B")], "l2.line_size", "differs from l1d.line_size 64"),
    ("tlb.sets", [("dtlb.entries", "48")], "dtlb.entries", "must give a power-of-two number of sets"),
    ("vm.format", [("isa", "arm"), ("vm.format", "sv39")], "vm.format", "for isa arm use one of: auto, arm-4k"),
    ("dram", [("memory.model", "dram"), ("dram.burst_length", "4")], "memory.model", "they must be equal"),
    ("vm.regions", [("vm.regions", "0x1000+4KiB:rwx")], "vm.regions", "valid: rw, ro, none"),
    ("coherence.protocol", [("coherence.protocol", "dragon"), ("coherence.fabric", "directory")],
     "coherence.protocol", "on a directory the choices are: mesi, moesi, msi"),
    ("numa.nodes", [("numa.nodes", "2")], "numa.nodes", "set coherence.fabric: directory"),
    ("directory.entries", [("directory.entries", "64")], "directory.entries",
     "set coherence.fabric: directory, or directory.entries: unlimited"),
    ("numa.home", [("numa.home", "page")], "numa.home", "set vm.enabled: true, or numa.home: interleave"),
    ("numa.interleave", [("numa.interleave", "32B")], "numa.interleave", "valid: a power of two from 64B"),
    ("vm.memory_size", [("coherence.fabric", "directory"), ("numa.nodes", "3"), ("vm.enabled", "true"),
                        ("vm.memory_size", "4GiB")], "vm.memory_size", "valid: a multiple of 3GiB"),
    ("l2.write_back", [("l2.write_back", "false")], "l2.write_back", "set l2.shared: true"),
    ("l2.prefetcher", [("l2.shared", "true"), ("l2.prefetcher", "stream,ip_stride")], "l2.prefetcher",
     "ip_stride needs the PC of each access, which a shared L2 does not see"),
    ("l2.prefetcher", [("l2.shared", "true"), ("l2.inclusion", "exclusive"), ("l2.prefetcher", "stream")],
     "l2.prefetcher", "set l2.prefetcher: none or l2.inclusion to one of: nine, inclusive"),
    ("l3.prefetcher", [("l3.prefetcher", "next_line,ip_stride")], "l3.prefetcher",
     "ip_stride needs the PC of each access, which the L3 does not see"),
    ("l3.prefetcher", [("l3.inclusion", "exclusive"), ("l3.prefetcher", "stream")], "l3.prefetcher",
     "set l3.prefetcher: none or l3.inclusion to one of: nine, inclusive"),
    ("l1i", [("l2.shared", "true"), ("l1i.size", "32KiB")], "l1i.size",
     "Set l2.shared: false (with an l2 level), or l1i.size: 0"),
    ("l1d.write_back", [("l2.shared", "true"), ("l1d.write_back", "false")], "l1d.write_back",
     "Set l2.shared: false (with an l2 level), or l1d.write_back: true"),
    ("l1d.write_back", [("l1d.wc_entries", "4")], "l1d.wc_entries",
     "set l1d.write_back: false, or l1d.wc_entries: 0"),
    ("l1d.write_back", [("l1d.write_allocate", "false")], "l1d.write_allocate",
     "set l1d.write_back: false, or l1d.write_allocate: true"),
    ("numa.mesh_columns", [("coherence.fabric", "directory"), ("numa.nodes", "6"), ("numa.topology", "mesh"),
                           ("numa.mesh_columns", "4")], "numa.mesh_columns", "a divisor of numa.nodes (1, 2, 3, 6)"),
    ("lse", [("lse", "true")], "lse", "set isa: arm, or lse: false"),
    ("vm.bind_node", [("vm.enabled", "true"), ("vm.bind_node", "1")], "vm.bind_node", "valid: 0..0"),
    ("watchdog", [("memory.model", "fixed"), ("memory.latency", "1ms")], "memory.latency",
     "longer than the watchdog (1000000 core cycles)"),
    ("l2.inclusion", [("l2.inclusion", "exclusive")], "l2.inclusion", "valid: nine, inclusive"),
    ("l2.inclusion", [("l2.shared", "true"), ("l2.inclusion", "exclusive"), ("l2.write_allocate", "false")],
     "l2.write_allocate", "set it to true, or l2.inclusion to one of: nine, inclusive"),
    ("l3.inclusion", [("l2.shared", "true"), ("l2.inclusion", "exclusive"), ("l3.inclusion", "exclusive")],
     "l3.inclusion", "set l3.inclusion to one of: nine, inclusive"),
    ("l3.inclusion", [("l3.inclusion", "exclusive"), ("l3.write_allocate", "false")], "l3.write_allocate",
     "an exclusive L3 under private caches takes their dirty victims in"),
    ("cache.footprint", [("cores", "256"), ("l1d.size", "1GiB")], "l1d.size", "valid: at most 64GiB"),
    ("replacement.plru", [("l1d.replacement", "plru"), ("l1d.assoc", "12"), ("l1d.size", "48KiB")],
     "l1d.replacement", "needs a power-of-two l1d.assoc, got 12; valid: l1d.assoc 8 or 16, or another l1d.replacement"),
    ("network.buffer_entries", [("network.buffer_entries", "2")], "network.buffer_entries",
     "set coherence.fabric: directory, or network.buffer_entries: unlimited"),
    ("network.injection_entries", [("coherence.fabric", "directory"), ("network.injection_entries", "2")],
     "network.injection_entries", "set network.buffer_entries to a number, or drop network.injection_entries"),
    ("bus.response_jitter", [("bus.transactions", "atomic"), ("bus.request_jitter", "16")], "bus.request_jitter",
     "set bus.transactions: split, or bus.request_jitter: 0"),
    ("bus.writeback_delay", [("bus.transactions", "atomic"), ("bus.writeback_delay", "100")], "bus.writeback_delay",
     "set bus.transactions: split, or bus.writeback_delay: 0"),
    ("bus.writeback_delay", [("cores", "4"), ("bus.writeback_delay_core", "4")], "bus.writeback_delay_core",
     "choose 0..3, or -1 for every core"),
    ("network.put_delay", [("coherence.fabric", "bus"), ("network.put_delay", "100")], "network.put_delay",
     "set coherence.fabric: directory, or network.put_delay: 0"),
    ("network.put_delay", [("coherence.fabric", "directory"), ("cores", "4"), ("network.put_delay_core", "4")],
     "network.put_delay_core", "choose 0..3, or -1 for every core"),
]


def yaml_of(kv, blamed):
    """The keys as YAML grouped by section, and the line of `blamed`."""
    order, sections = [], {}
    for k, v in kv:
        s, _, name = k.rpartition(".")
        if s not in sections:
            order.append(s)
            sections[s] = []
        sections[s].append((name, v))
    lines, at = [], 0
    for s in order:
        if s:
            lines.append(f"{s}:")
        for name, v in sections[s]:
            lines.append(("  " if s else "") + f"{name}: {v}")
            if (f"{s}.{name}" if s else name) == blamed:
                at = len(lines)
    return "\n".join(lines) + "\n", at


@pytest.mark.parametrize("rule,kv,blamed,says", CASES, ids=[c[0] for c in CASES])
def test_rule_refused_by_from_yaml_update_and_set(rule, kv, blamed, says):
    text, line = yaml_of(kv, blamed)
    with pytest.raises(cohsim.ConfigError) as e:
        cohsim.Config.from_yaml(text, "rules.yaml")
    assert str(e.value).startswith(f"rules.yaml:{line}:"), str(e.value)
    assert says in str(e.value)

    value = dict(kv)[blamed]
    cfg = cohsim.Config()
    with pytest.raises(cohsim.ConfigError) as e:
        cfg.update(dict(kv))
    assert str(e.value).startswith(f"--set {blamed}={value}: "), str(e.value)
    assert says in str(e.value)
    assert cfg == cohsim.Config()  # nothing changed

    # One set() at a time: the first that completes the combination is refused.
    with pytest.raises(cohsim.ConfigError) as e:
        for k, v in kv:
            cfg.set(k, v)
    assert says in str(e.value)


def test_every_registered_rule_has_a_case():
    rules = {p["name"] for p in cohsim._core.plugins("config.rule")}
    assert rules == {c[0] for c in CASES}


def test_update_order_does_not_matter_and_validate_passes():
    a = cohsim.Config()
    a.update({"l1d.size": "256B", "l1d.assoc": 2})
    b = cohsim.Config()
    b.update({"l1d.assoc": 2, "l1d.size": "256B"})
    assert a == b and a["l1d.size"] == "256B" and a["l1d.assoc"] == "2"
    a.validate()
    # set() alone still checks at once: 256B with the default 8 ways is no cache.
    with pytest.raises(cohsim.ConfigError, match="power of two"):
        cohsim.Config().set("l1d.size", "256B")


def test_config_check_agrees_with_python(tmp_path):
    for rule, kv, blamed, says in CASES:
        text, line = yaml_of(kv, blamed)
        path = tmp_path / "c.yaml"
        path.write_text(text)
        p = cli("config", "check", str(path), check=False)
        assert p.returncode == 1, rule
        with pytest.raises(cohsim.ConfigError) as e:
            cohsim.Config.load(path)
        assert p.stderr == f"cohsim: error: {e.value}\n", rule


def test_a_stray_comma_is_a_syntax_error_not_a_hang(tmp_path):
    # Before: yaml-cpp 0.7's LoadAll collected empty documents forever (memory grew).
    for text in (",", ",\n", "]\n", "---\n,\n"):
        with pytest.raises(cohsim.ConfigError, match="YAML syntax error"):
            cohsim.Config.from_yaml(text, "c.yaml")
    path = tmp_path / "comma.yaml"
    path.write_bytes(b",\n")
    p = cli("config", "check", str(path), check=False)
    assert p.returncode == 1
    assert p.stderr.startswith(f"cohsim: error: {path}:1:1: YAML syntax error"), p.stderr


# Issue #12's reproducers: before, the first killed the interpreter with SIGFPE.
@pytest.mark.parametrize("key,value,says", [
    ("l1d.assoc", "288230376151711744", "l1d.assoc: must be 1..1048576"),
    ("l1d.assoc", "4294967296", "l1d.assoc: must be 1..1048576"),
    ("l1d.size", "1TiB", "l1d.size: must be 1B..1GiB"),
    ("core.frequency", "10000000GHz", "core.frequency: must be 1MHz..100GHz"),
    ("uncore.frequency", "0.0000000000000000001Hz", "uncore.frequency: must be 1MHz..100GHz"),
    ("memory.bandwidth", "1B/s", "memory.bandwidth: must be 1MB/s..100TB/s"),
])
def test_out_of_range_values_raise_config_error(key, value, says):
    section, name = key.split(".")
    with pytest.raises(cohsim.ConfigError) as e:
        cohsim.Config.from_yaml(f"{section}: {{{name}: {value}}}", "big.yaml")
    assert str(e.value).startswith("big.yaml:1:") and says in str(e.value), str(e.value)
    with pytest.raises(cohsim.ConfigError, match=f"^--set {key}="):
        cohsim.Config().set(key, value)


@pytest.mark.filterwarnings("ignore:cohsim.sweep")
def test_a_sweep_point_out_of_range_fails_its_row_only(small_trace):
    df = cohsim.sweep(cohsim.Config(), grid={"l1d.assoc": [8, 288230376151711744]}, traces=[small_trace], jobs=1)
    ok, bad = df.iloc[0], df.iloc[1]
    assert ok["error"] is None
    assert bad["error"].startswith("--set l1d.assoc=288230376151711744: l1d.assoc: must be 1..1048576")
