"""The package's installed configs and traces: where a relative path is looked for
when it is not in the working directory (the command line's rule, sim/cli/command.hpp
find_input; README "Installing")."""
import os


def data_dirs():
    """Folders holding an installed copy of configs/ and traces/, in search order:
    ``cohsim/data/`` (a pip install ships them there), then ``P/share/cohsim/`` for a
    ``cmake --install`` prefix P (the package in ``P/lib/python3/dist-packages/cohsim``)."""
    here = os.path.dirname(os.path.abspath(__file__))
    dirs = [os.path.join(here, "data")]
    # PREFIX/lib/python3/dist-packages/cohsim -> PREFIX/share/cohsim
    dirs.append(os.path.normpath(os.path.join(here, os.pardir, os.pardir, os.pardir, os.pardir, "share", "cohsim")))
    return [d for d in dirs if os.path.isdir(d)]
