"""cohsim.Config: the command line's configuration, validation and messages."""
import pickle

import pytest

import cohsim
from conftest import cli, repo

DEFAULT = repo("configs", "default.yaml")


def cli_error(*args):
    p = cli(*args, check=False)
    assert p.returncode == 1, p.stderr
    prefix = "cohsim: error: "
    assert p.stderr.startswith(prefix)
    return p.stderr[len(prefix):].rstrip("\n")


@pytest.mark.parametrize("key,value", [
    ("l1d.size", "3KiB"),                # cross-check: sets not a power of two
    ("l1d.sise", "64KiB"),               # unknown key, nearest one
    ("coherence.protocol", "mosi"),      # unknown choice, valid choices
    ("cores", "0"),                      # out of range
    ("memory.latency", "60"),            # missing unit
    ("l1d.size", "32KB"),                # ambiguous unit
])
def test_set_error_is_the_command_lines(key, value):
    cfg = cohsim.Config.load(DEFAULT)
    before = cfg.to_yaml()
    with pytest.raises(cohsim.ConfigError) as e:
        cfg.set(key, value)
    assert isinstance(e.value, ValueError)
    assert str(e.value) == cli_error("config", "check", DEFAULT, "--set", f"{key}={value}")
    assert str(e.value).startswith(f"--set {key}={value}: ")
    assert cfg.to_yaml() == before  # on error nothing changes


def test_yaml_file_error_names_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("cores: 2\nl1d:\n  size: 32KiB\n  replacment: lru\n")
    with pytest.raises(cohsim.ConfigError) as e:
        cohsim.Config.load(bad)
    assert str(e.value) == cli_error("config", "check", str(bad))
    assert str(e.value).startswith(f"{bad}:4:")
    assert "replacement" in str(e.value)


def test_from_yaml_error_names_origin():
    with pytest.raises(cohsim.ConfigError, match=r"^mine\.yaml:1:8: cores: must be 1\.\.256, got 0$"):
        cohsim.Config.from_yaml("cores: 0\n", "mine.yaml")


def test_missing_config_file():
    with pytest.raises(FileNotFoundError):
        cohsim.Config.load(repo("configs", "no-such.yaml"))


def test_to_yaml_is_config_show():
    cfg = cohsim.Config.load(DEFAULT)
    cfg.set("l1d.size", "64KiB")
    cfg.set("l2", None)
    cfg.set_assignment("core.store_buffer=8")
    shown = cli("config", "show", DEFAULT, "--set", "l1d.size=64KiB", "--set", "l2=null",
                "--set", "core.store_buffer=8").stdout
    assert cfg.to_yaml() == shown
    again = cohsim.Config.from_yaml(cfg.to_yaml())
    assert again == cfg


def test_values_and_levels():
    cfg = cohsim.Config.defaults()
    cfg.set("l1d.size", "64KiB")
    assert cfg["l1d.size"] == "64KiB"
    assert cfg.value("l1d.size") == 65536
    assert cfg.value("cores") == 4 and cfg.value("check") is False
    assert cfg.value("core.frequency") == 3e9
    assert cfg.value("l1d.latency") == cohsim.Latency(4, "cycles")
    assert cfg.value("memory.latency") == cohsim.Latency(60e-9, "s")
    assert cfg.value("coherence.protocol") in cohsim.protocol_choices()
    assert cfg.where("l1d.size") == "--set l1d.size=64KiB" and cfg.where("cores") == "default"
    cfg.set("l2", None)
    assert not cfg.has_level("l2") and "l2.size" not in cfg.keys()
    with pytest.raises(KeyError):
        cfg["l2.size"]
    with pytest.raises(KeyError, match="did you mean 'l1d.size'"):
        cfg["l1d.sise"]
    cfg.set("l2.size", "512KiB")  # re-creates the level from its defaults
    assert cfg.has_level("l2") and cfg["l2.assoc"] == "8"
    cfg.set("check", True)
    assert cfg["check"] == "true"
    assert set(cfg.to_dict()) == set(cfg.keys())
    assert cohsim.config_keys()[0] == "cores"
    assert {p["key"] for p in cohsim.config_params()} == set(cohsim.config_keys())


def test_copy_and_pickle_are_values():
    cfg = cohsim.Config.load(DEFAULT)
    other = cfg.with_values({"l1d.size": "16KiB"})
    assert cfg["l1d.size"] == "32KiB" and other["l1d.size"] == "16KiB"
    back = pickle.loads(pickle.dumps(other))
    assert back == other and back.origin == other.origin
    with pytest.raises(TypeError):
        cfg.set("cores", [1, 2])
