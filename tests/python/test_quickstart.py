"""`bash scripts/quickstart.sh` builds everything the README then uses. Before, it built
only `cohsim`, and the README's Python line failed with a "partially initialized
module" error."""
import os
import re

from conftest import repo

# What each path under build/ comes from: a CMake target.
TARGETS = {"build/cohsim": "cohsim", "build/python": "cohsim_python", "build/libcohsim_record": "cohsim_record",
           "build/tests/components_bench": "components_bench", "build/tests/dram_bench": "dram_bench"}


def readme_paths_outside_tests():
    text = open(repo("README.md"), encoding="utf-8").read()
    # "Tests and benchmarks" documents `scripts/test.sh`, which builds every target.
    sections = re.split(r"^## ", text, flags=re.M)
    used = set()
    for s in sections:
        if s.startswith("Tests and benchmarks"):
            continue
        used.update(re.findall(r"build/(?:tests/)?[A-Za-z_]+", s))
    return used


def test_quickstart_builds_every_target_the_readme_uses():
    script = open(repo("scripts", "quickstart.sh"), encoding="utf-8").read()
    m = re.search(r"scripts/build\.sh --target ([^\n]+)", script)
    assert m, "quickstart.sh builds with scripts/build.sh --target ..."
    built = set(m.group(1).split())
    used = readme_paths_outside_tests()
    assert {"build/cohsim", "build/python"} <= used
    for path in used:
        assert path in TARGETS, f"README uses {path}: add its target to TARGETS"
        assert TARGETS[path] in built, f"README uses {path} but quickstart.sh does not build {TARGETS[path]}"


def test_the_python_target_writes_build_python():
    cmake = open(repo("python", "CMakeLists.txt"), encoding="utf-8").read()
    assert "pybind11_add_module(cohsim_python" in cmake
    assert os.path.isdir(os.path.join(os.environ["PYTHONPATH"].split(os.pathsep)[0], "cohsim"))
