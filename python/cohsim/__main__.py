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

from ._data import data_dirs


def main(argv=None):
    os.environ.setdefault("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1")
    from . import _core

    sys.stdout.flush()
    sys.stderr.flush()
    return _core.main(list(sys.argv[1:] if argv is None else argv), data_dirs())


if __name__ == "__main__":
    sys.exit(main())
