"""``python3 -m cohsim ARGS...``: the ``cohsim`` command line, run by the extension in
this process (the same C++ as the binary: every command, option, message and exit
status), so a pip-installed package needs no separate binary.

A config or trace named by a relative path that is not in the working directory is
looked for in the package's installed data: ``cohsim/data/`` (a pip install ships the
configs and example traces there) and, for a ``cmake --install`` prefix P,
``P/share/cohsim/`` (the package in ``P/lib/python3/dist-packages/cohsim``); see
README "Installing".
"""
import os
import sys


def data_dirs():
    """Folders holding an installed copy of configs/ and traces/, in search order."""
    here = os.path.dirname(os.path.abspath(__file__))
    dirs = [os.path.join(here, "data")]
    # PREFIX/lib/python3/dist-packages/cohsim -> PREFIX/share/cohsim
    dirs.append(os.path.normpath(os.path.join(here, os.pardir, os.pardir, os.pardir, os.pardir, "share", "cohsim")))
    return [d for d in dirs if os.path.isdir(d)]


def main(argv=None):
    os.environ.setdefault("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1")
    from . import _core

    sys.stdout.flush()
    sys.stderr.flush()
    return _core.main(list(sys.argv[1:] if argv is None else argv), data_dirs())


if __name__ == "__main__":
    sys.exit(main())
