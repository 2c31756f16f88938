"""pytest setup: the package and the command line come from the build folder.

    PYTHONPATH=$PWD/build/python /usr/bin/python3 -m pytest tests/python   # scripts/test.sh does this
    COHSIM_BUILD_DIR=build-rel /usr/bin/python3 -m pytest tests/python     # another build folder
"""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(os.environ.get("COHSIM_BUILD_DIR", os.path.join(ROOT, "build")))
PYDIR = os.path.join(BUILD, "python")
if PYDIR not in sys.path:
    sys.path.insert(0, PYDIR)
# Processes started by the tests (Dask workers, examples) find the package too.
os.environ["PYTHONPATH"] = PYDIR + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")
os.environ["SYSTEMC_DISABLE_COPYRIGHT_MESSAGE"] = "1"

CLI = os.path.join(BUILD, "cohsim")


def cli(*args, check=True):
    """Runs the command line; returns the CompletedProcess (text)."""
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"cohsim {' '.join(args)} failed ({p.returncode}):\n{p.stderr}")
    return p


def repo(*parts):
    return os.path.join(ROOT, *parts)


@pytest.fixture(scope="session")
def small_trace(tmp_path_factory):
    """A 2-thread sharing trace, small enough for a run of a few tens of ms."""
    import cohsim

    return cohsim.traces.sharing(str(tmp_path_factory.mktemp("traces") / "small.trace"), threads=2,
                                 ops=300, shared_fraction=0.3, write_fraction=0.4, seed=3)


def pytest_configure(config):
    # Debian's tornado 6.2 under distributed 2022.12: noise, not ours.
    config.addinivalue_line("filterwarnings", "ignore:make_current is deprecated:DeprecationWarning")
    config.addinivalue_line("filterwarnings", "ignore:There is no current event loop:DeprecationWarning")
