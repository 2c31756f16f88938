"""The exceptions cohsim raises.

Every message is the command line's: a configuration or trace mistake names the
file, line and column (or the ``--set key=value`` it came from) and the valid
choices. The extension (``cohsim._core``) raises these classes directly.
"""


class Error(Exception):
    """Base class of every cohsim exception."""


class UserError(Error, ValueError):
    """The user's mistake: bad configuration, bad trace, unknown protocol, ..."""


class ConfigError(UserError):
    """A bad configuration key or value, with the command line's message."""


class TraceError(UserError):
    """A malformed trace (the message names file:line), or a trace that does not fit
    the system (more threads than cores)."""


class SimulationError(Error, RuntimeError):
    """The simulation failed: a simulator bug (broken invariant, deadlock; the
    message carries the state dump) or the child process running it crashed (the
    message carries its exit status and stderr)."""
