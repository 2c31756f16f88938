"""Installing like a real tool (README "Installing"): `cmake --install` of the existing
build into a temporary prefix, and Debian's pip building the package from this source
tree with the same CMake build. Nothing is compiled again: both reuse the build folder
the other tests run (pip's `cmake --build` of an up-to-date target is a no-op), so the
whole file takes a few seconds.

Every run starts in an empty working directory, so a config or trace can only come from
the installed copy; the statistics are compared with the same run of the build tree's
`cohsim` on the source tree's files (byte-identical JSON but for the paths)."""
import glob
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import BUILD, CLI, repo

CYCLES = "20000"  # a short slice of the default run: every level and the DRAM are exercised


def _env(pythonpath=None):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COHSIM_DATA_DIR")}
    env["SYSTEMC_DISABLE_COPYRIGHT_MESSAGE"] = "1"
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def _run(cmd, cwd, env, check=True):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def _stats(path):
    # The statistics without "_provenance" (paths and the host time differ by design)
    # and "_advice" (not a statistic: Python's Result.advice, not among Result.stats).
    with open(path) as f:
        s = json.load(f)
    s.pop("_provenance", None)
    s.pop("_advice", None)
    return s


@pytest.fixture(scope="module")
def reference_stats(tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "stats.json"
    _run([CLI, "run", repo("configs", "default.yaml"), "--max-cycles", CYCLES, "--quiet", "--stats", str(out)],
         cwd=repo(), env=_env())
    return _stats(out)


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    p = tmp_path_factory.mktemp("prefix")
    _run(["cmake", "--install", BUILD, "--prefix", str(p)], cwd=repo(), env=_env())
    return p


@pytest.fixture()
def empty_dir(tmp_path):
    d = tmp_path / "cwd"
    d.mkdir()
    return d


def test_cmake_install_lays_out_the_tool(prefix):
    assert os.access(prefix / "bin" / "cohsim", os.X_OK)
    assert (prefix / "lib" / "cohsim" / "libcohsim_record.so").is_file()
    share = prefix / "share" / "cohsim"
    for d, _, files in os.walk(repo("configs")):
        for name in files:
            rel = os.path.relpath(os.path.join(d, name), repo())
            assert (share / rel).is_file(), rel
    assert (share / "traces" / "default.trace").is_file()
    assert (share / "traces" / "litmus" / "MP+rlx.litmus").is_file()
    pkg = prefix / "lib" / "python3" / "dist-packages" / "cohsim"
    assert glob.glob(str(pkg / "_core*.so"))
    for name in os.listdir(repo("python", "cohsim")):
        if name.endswith(".py"):
            assert (pkg / name).is_file(), name
    assert (prefix / "share" / "doc" / "cohsim" / "README.md").is_file()
    completion = prefix / "share" / "bash-completion" / "completions" / "cohsim"
    assert completion.read_text() == _run([prefix / "bin" / "cohsim", "completion", "bash"], cwd=repo(),
                                          env=_env()).stdout


@pytest.mark.parametrize("config", ["default", "configs/default.yaml", "default.yaml", "{share}/configs/default.yaml"])
def test_installed_binary_finds_its_configs_and_traces(prefix, empty_dir, reference_stats, config):
    config = config.format(share=prefix / "share" / "cohsim")
    _run([prefix / "bin" / "cohsim", "run", config, "--max-cycles", CYCLES, "--quiet", "--stats", "s.json"],
         cwd=empty_dir, env=_env())
    assert _stats(empty_dir / "s.json") == reference_stats


def test_a_config_in_the_working_directory_wins(prefix, empty_dir):
    (empty_dir / "configs").mkdir()
    (empty_dir / "configs" / "default.yaml").write_text("cores: 2\ntrace: t.trace\n")
    (empty_dir / "configs" / "t.trace").write_text("thread 0\n  store x 1\nthread 1\n  load x -> r0\n")
    p = _run([prefix / "bin" / "cohsim", "config", "show", "default"], cwd=empty_dir, env=_env())
    assert "cores: 2" in p.stdout
    _run([prefix / "bin" / "cohsim", "run", "default", "--quiet", "--stats", "s.json"], cwd=empty_dir, env=_env())
    stats = _stats(empty_dir / "s.json")
    assert "core1.loads" in stats and not any(k.startswith("core2.") for k in stats)  # 2 cores: the local one


def test_a_missing_config_names_where_it_was_looked_for(prefix, empty_dir):
    p = _run([prefix / "bin" / "cohsim", "run", "nosuch.yaml"], cwd=empty_dir, env=_env(), check=False)
    assert p.returncode == 1
    assert "cannot read config file 'nosuch.yaml'" in p.stderr
    assert str(prefix / "share" / "cohsim") in p.stderr


def test_installed_binary_finds_installed_traces_and_litmus_tests(prefix, empty_dir):
    p = _run([prefix / "bin" / "cohsim", "trace", "stats", "traces/default.trace"], cwd=empty_dir, env=_env())
    assert f"{prefix}/share/cohsim/traces/default.trace" in p.stdout.splitlines()[0]  # the path it read
    ref = _run([CLI, "trace", "stats", "traces/default.trace"], cwd=repo(), env=_env()).stdout
    assert p.stdout.splitlines()[1:] == ref.splitlines()[1:]
    p = _run([prefix / "bin" / "cohsim", "litmus", "traces/litmus/MP+rlx.litmus", "--isa", "x86", "--runs", "20"],
             cwd=empty_dir, env=_env())
    assert "MP+rlx" in p.stdout


def test_python_m_cohsim_from_the_cmake_install(prefix, empty_dir, reference_stats):
    env = _env(str(prefix / "lib" / "python3" / "dist-packages"))
    where = _run([sys.executable, "-c", "import cohsim; print(cohsim.__file__)"], cwd=empty_dir, env=env).stdout
    assert where.strip().startswith(str(prefix)), where
    _run([sys.executable, "-m", "cohsim", "run", "configs/default.yaml", "--max-cycles", CYCLES, "--quiet",
          "--stats", "s.json"], cwd=empty_dir, env=env)
    assert _stats(empty_dir / "s.json") == reference_stats
    # Errors and exit statuses are the command line's.
    p = _run([sys.executable, "-m", "cohsim", "run", "nosuch.yaml"], cwd=empty_dir, env=env, check=False)
    assert p.returncode == 1 and "cannot read config file 'nosuch.yaml'" in p.stderr
    p = _run([sys.executable, "-m", "cohsim", "frobnicate"], cwd=empty_dir, env=env, check=False)
    assert p.returncode == 2 and "unknown command 'frobnicate'" in p.stderr
    p = _run([sys.executable, "-m", "cohsim", "--version"], cwd=empty_dir, env=env)
    assert p.stdout == _run([CLI, "--version"], cwd=repo(), env=_env()).stdout
    # The library finds the installed configs and traces by the same relative names
    # and bare config names as the command line, from a folder holding neither.
    code = ("import cohsim; c = cohsim.Config.load('configs/default.yaml'); d = cohsim.Config.load('default');"
            "assert c.to_yaml() == d.to_yaml(); r = cohsim.run(c, 'traces/default.trace', max_cycles=" + CYCLES +
            "); import json; print(json.dumps(r.stats, sort_keys=True))")
    got = json.loads(_run([sys.executable, "-c", code], cwd=empty_dir, env=env).stdout)
    assert {k: v for k, v in got.items() if k in reference_stats} == reference_stats
    code = "import cohsim\ntry:\n cohsim.Config.load('nosuch.yaml')\nexcept FileNotFoundError as e:\n print('missing', e.filename)"
    assert _run([sys.executable, "-c", code], cwd=empty_dir, env=env).stdout.strip() == "missing nosuch.yaml"


@pytest.mark.skipif(not shutil.which("pip3") and not os.path.exists("/usr/bin/pip3"),
                    reason="Debian's pip (python3-pip, scripts/deps.sh) is not installed")
def test_pip_install_from_the_source_tree(tmp_path, empty_dir, reference_stats):
    target = tmp_path / "site"
    env = _env()
    env["COHSIM_BUILD_DIR"] = BUILD  # reuse the build: nothing is compiled
    env["PIP_NO_INDEX"] = "1"  # and never reach a registry
    _run([sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--quiet", "--target",
          str(target), repo()], cwd=empty_dir, env=env)
    pkg = target / "cohsim"
    assert glob.glob(str(pkg / "_core*.so"))
    assert (pkg / "data" / "configs" / "default.yaml").is_file()
    assert (pkg / "data" / "traces" / "default.trace").is_file()
    env = _env(str(target))
    _run([sys.executable, "-m", "cohsim", "run", "configs/default.yaml", "--max-cycles", CYCLES, "--quiet",
          "--stats", "s.json"], cwd=empty_dir, env=env)
    assert _stats(empty_dir / "s.json") == reference_stats
    # The library side works from the same copy.
    code = ("import cohsim; c = cohsim.Config.load(cohsim.__path__[0] + '/data/configs/default.yaml');"
            "print(c['coherence.protocol'])")
    assert _run([sys.executable, "-c", code], cwd=empty_dir, env=env).stdout.strip() == "msi"
