"""Bash completion (`cohsim completion bash`): bash sources the script and its completion
function is called the way bash calls it (COMP_WORDS split as bash's default
COMP_WORDBREAKS splits the line: `--set key=v` is `--set`, `key`, `=`, `v`). The
expected words come from elsewhere: the commands from `cohsim --help`, a command's
options from its own `--help` text, the keys and choices from the Python package."""
import re
import shutil
import subprocess

import pytest

from conftest import BUILD, cli

pytestmark = pytest.mark.skipif(not shutil.which("bash"), reason="no bash")


@pytest.fixture(scope="module")
def script(tmp_path_factory):
    path = tmp_path_factory.mktemp("completion") / "cohsim.bash"
    path.write_text(cli("completion", "bash").stdout)
    return path


def complete(script, *words):
    """The completions bash's `complete -F _cohsim` gives when the cursor ends WORDS."""
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in ("cohsim", *words))
    prog = (f"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD=$((${{#COMP_WORDS[@]}}-1)); "
            "COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _cohsim; printf '%s\\n' \"${COMPREPLY[@]}\"")
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", prog], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return sorted(w for w in p.stdout.split("\n") if w)


def test_commands(script):
    listed = sorted(set(re.findall(r"^  ([a-z]+) ", cli("--help").stdout, flags=re.M)))
    assert "run" in listed and "completion" in listed
    assert complete(script, "") == sorted(listed + ["--help", "--version"])
    assert complete(script, "ru") == ["run"]
    assert complete(script, "config", "") == ["--help", "check", "docs", "show"]
    assert complete(script, "trace", "c") == ["convert"]


@pytest.mark.parametrize("path", [["run"], ["config", "check"], ["litmus"], ["protocol", "show"]])
def test_options_are_the_commands_own(script, path):
    help_text = cli(*path, "--help").stdout
    declared = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", help_text.split("options:", 1)[1]))
    declared |= set(re.findall(r"^  (-[a-z]) ", help_text, flags=re.M))
    assert complete(script, *path, "-") == sorted(declared)
    assert complete(script, *path, "--he") == ["--help"]


def test_run_option_prefix(script):
    assert complete(script, "run", "configs/default.yaml", "--st") == [
        "--stats", "--stats-interval", "--stats-interval-file", "--stats-schema"]


def test_config_keys_after_set(script):
    import cohsim

    l1d = sorted(k + "=" for k in cohsim.config_keys() if k.startswith("l1d."))
    assert len(l1d) >= 5
    assert complete(script, "run", "configs/default.yaml", "--set", "l1d.") == l1d
    assert complete(script, "config", "check", "x.yaml", "-s", "coherence.prot") == ["coherence.protocol="]
    # Every key, and every level that `--set LEVEL=null` removes.
    nullable = [name for name, _, can_be_null, _ in cohsim._core.sections() if can_be_null]
    assert "l2" in nullable
    assert complete(script, "run", "--set", "") == sorted(k + "=" for k in cohsim.config_keys() + nullable)
    assert complete(script, "run", "x.yaml", "--set", "l2", "=", "") == ["null"]


def test_choices_after_set_key_equals(script):
    import cohsim

    assert complete(script, "run", "x.yaml", "--set", "coherence.protocol", "=", "") == \
        sorted(cohsim.protocol_choices())
    assert complete(script, "run", "x.yaml", "--set", "coherence.protocol", "=", "m") == \
        sorted(p for p in cohsim.protocol_choices() if p.startswith("m"))
    assert complete(script, "run", "x.yaml", "--set", "isa", "=") == sorted(cohsim.isa_choices())
    assert complete(script, "run", "x.yaml", "--set", "check", "=", "") == ["false", "true"]
    # With '=' removed from COMP_WORDBREAKS the word is KEY=VALUE whole.
    assert complete(script, "run", "--set", "isa=a") == ["isa=arm"]


def test_file_arguments_fall_back_to_file_names(script):
    # No words of its own: `complete -o default` gives bash's file-name completion.
    assert complete(script, "run", "conf") == []
    assert "complete -o default -F _cohsim cohsim" in script.read_text()


def test_only_bash():
    p = cli("completion", "zsh", check=False)
    assert p.returncode == 2 and "only bash" in p.stderr


def test_the_build_writes_the_script_cmake_installs():
    with open(f"{BUILD}/cohsim-completion.bash") as f:
        assert f.read() == cli("completion", "bash").stdout
