"""`cohsim --version` and `cohsim.__version__`: the version and the git commit, captured
at build time by cmake/version.cmake ("unknown" outside a git checkout)."""
import re
import shutil
import subprocess

from conftest import cli, repo


def _head():
    return subprocess.run(["git", "-C", repo(), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()


def test_cli_and_python_give_the_same_version_and_the_built_commit():
    import cohsim

    line = cli("--version").stdout.strip()
    m = re.fullmatch(r"cohsim (\d+\.\d+\.\d+) \(commit ([0-9a-f]{12}(-modified)?|unknown)\)", line)
    assert m, line
    assert cohsim.__commit__ == m.group(2)
    assert cohsim.__version__.startswith(m.group(1) + "+")
    if shutil.which("git") and m.group(2) != "unknown":
        # The build is of this checkout (the test runs against the build of these sources).
        assert m.group(2).split("-")[0] == _head()
        assert cohsim.__version__ == m.group(1) + "+g" + m.group(2).replace("-", ".")
    project = open(repo("CMakeLists.txt")).read()
    assert f"project(cohsim VERSION {m.group(1)} " in project


def test_version_script_says_unknown_outside_a_git_checkout(tmp_path):
    # A release tarball: the sources without .git (tmp_path is not inside a repository).
    src = tmp_path / "cohsim-0.1.0"
    src.mkdir()
    out = tmp_path / "version.cpp"
    subprocess.run(["cmake", f"-DSRC={src}", f"-DOUT={out}", "-DVERSION=9.8.7", "-P",
                    repo("cmake", "version.cmake")], check=True, capture_output=True)
    text = out.read_text()
    assert 'cohsim_version() { return "9.8.7"; }' in text
    assert 'cohsim_commit() { return "unknown"; }' in text


def test_cli_version_refuses_arguments():
    p = cli("--version", "extra", check=False)
    assert p.returncode == 2 and "takes no arguments" in p.stderr
