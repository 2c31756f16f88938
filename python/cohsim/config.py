"""cohsim.Config: one simulated system, as the command line's YAML describes it."""
import errno
import os
from collections import namedtuple

from . import _core
from .errors import ConfigError

__all__ = ["Config", "Latency", "config_keys", "config_params", "config_reference"]

Latency = namedtuple("Latency", "value unit")
Latency.__doc__ = """A latency: ``value`` cycles (``unit == "cycles"``) of the component's
clock, or ``value`` seconds (``unit == "s"``)."""


def yaml_text(value):
    """The text a Python value is written as in YAML / after ``--set key=``:
    ``True`` -> ``true``, ``None`` -> ``null``, numbers as written, strings as is."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"a configuration value must be a str, int, float, bool or None, "
                    f"not {type(value).__name__}")


class Config:
    """The configuration of one simulated system.

    Every key of ``cohsim config docs`` (docs/config.md) is here, with its default
    filled in. Values are validated exactly as by the command line, and a mistake
    raises :class:`cohsim.ConfigError` with the command line's message::

        cfg = cohsim.Config.load("configs/default.yaml")
        cfg.set("l1d.size", "64KiB")        # like --set l1d.size=64KiB
        cfg.set("l2", None)                 # like --set l2=null: remove the level
        cfg["l1d.size"]                     # '64KiB' (canonical text)
        cfg.value("l1d.size")               # 65536 (typed: bytes, hertz, ...)
        print(cfg.to_yaml())                # what `cohsim config show` prints

    A Config is a plain value: ``copy()`` it to vary it; it pickles as its YAML.
    """

    __slots__ = ("_c",)

    def __init__(self, _core_config=None):
        self._c = _core_config if _core_config is not None else _core.Config.defaults()

    # ---- construction ----------------------------------------------------------
    @classmethod
    def load(cls, path):
        """Loads a YAML file (``FileNotFoundError`` if there is none; ``ConfigError``
        naming file:line:column for a bad key or value). As on the command line, a
        relative path that is not in the working directory is looked for in the
        installed data (``cohsim/data/``, ``P/share/cohsim/``), and a bare name
        (``"default"``) means ``configs/NAME.yaml``."""
        path = _core.find_input(os.fspath(path), True)
        if not os.path.isfile(path):
            raise FileNotFoundError(errno.ENOENT, "no such configuration file", path)
        return cls(_core.Config.load(path))

    @classmethod
    def from_yaml(cls, text, origin="<yaml>"):
        """Parses YAML text; ``origin`` names it in error messages and is the folder a
        relative ``trace:`` is resolved against."""
        return cls(_core.Config.from_yaml(text, origin))

    @classmethod
    def defaults(cls):
        """Every key at its default."""
        return cls(_core.Config.defaults())

    # ---- changing it -----------------------------------------------------------
    def set(self, key, value):
        """Overrides one key, like ``--set key=value`` (same validation, same message,
        origin ``--set key=value``). ``None`` removes a level (``cfg.set("l2", None)``);
        setting a key of an absent level re-creates it from its defaults. On error
        nothing changes."""
        self._c.set(str(key), yaml_text(value))

    def set_assignment(self, assignment):
        """``cfg.set_assignment("l1d.size=64KiB")``, exactly the command line's ``--set``."""
        self._c.set_assignment(assignment)

    def update(self, values):
        """Sets every ``key: value`` of a mapping, then validates once, like several
        ``--set``: their order never matters (``{"l1d.size": "256B", "l1d.assoc": 2}``
        is fine although 256B with the default 8 ways is not). On error nothing
        changes."""
        self._c.set_all([(str(k), yaml_text(v)) for k, v in dict(values).items()])

    def validate(self):
        """Checks every rule across keys again (``cohsim config check``); raises
        :class:`cohsim.ConfigError` naming the file:line of the key to blame. A Config
        is validated whenever it is loaded or changed, so this never fails on one
        made by this class; it is here for symmetry with the command line."""
        self._c.validate()

    def copy(self):
        return Config(self._c.copy())

    def with_values(self, values):
        """A copy with ``values`` (a mapping of keys to values) set."""
        c = self.copy()
        c.update(values)
        return c

    # ---- reading it --------------------------------------------------------------
    def to_yaml(self):
        """The resolved configuration, every default filled in, one comment per key
        (``cohsim config show``). ``Config.from_yaml`` of it gives the same Config."""
        return self._c.to_yaml()

    def _check_key(self, key):
        if key not in _KEYS:
            try:  # the command line's message: the valid keys, the nearest one
                self.copy()._c.set(key, "0")
            except ConfigError as e:
                raise KeyError(str(e).split(": ", 1)[-1]) from None
            raise KeyError(key)
        section = key.split(".", 1)[0] if "." in key else ""
        if section and not self._c.has_level(section):
            raise KeyError(f"{key}: the level {section} is absent ({section}: null)")

    def __getitem__(self, key):
        """The canonical text of a key (``'32KiB'``, ``'3GHz'``, ``'msi'``)."""
        self._check_key(key)
        return self._c.text(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key):
        return self.get(key) is not None

    def value(self, key):
        """The typed value of a key: int (integers, sizes in bytes), bool, float (hertz,
        bytes per second), :class:`Latency` or str (choices, strings)."""
        self._check_key(key)
        v = self._c.value(key)
        if isinstance(v, tuple):
            unit, x = v
            return Latency(int(x), "cycles") if unit == "cycles" else Latency(x / 1e15, "s")
        return v

    def keys(self):
        """The keys of the present levels, in declaration order."""
        return [k for k in _KEYS if "." not in k or self._c.has_level(k.split(".", 1)[0])]

    def to_dict(self):
        """``{key: canonical text}`` for every key of the present levels."""
        return {k: self._c.text(k) for k in self.keys()}

    def has_level(self, level):
        """Is the cache level present (``"l2"``)?"""
        return self._c.has_level(level)

    def where(self, key):
        """Where a value came from: ``file:line:col``, ``--set key=value`` or ``default``."""
        try:
            return self._c.where(key)  # a key or a level name
        except RuntimeError:
            raise KeyError(key) from None

    @property
    def origin(self):
        """The file the configuration was loaded from (``defaults``, ``<yaml>``, ...)."""
        return self._c.origin()

    # ---- Python protocols --------------------------------------------------------
    def __eq__(self, other):
        return isinstance(other, Config) and self.to_yaml() == other.to_yaml()

    __hash__ = None

    def __reduce__(self):
        return (_from_yaml, (self.to_yaml(), self.origin))

    def __repr__(self):
        return f"<cohsim.Config from {self.origin!r}>"

    def __str__(self):
        return self.to_yaml()


def _from_yaml(text, origin):
    return Config.from_yaml(text, origin)


_KEYS = _core.all_keys()


def config_keys():
    """Every configuration key, in declaration order (``cores``, ..., ``l1d.size``, ...)."""
    return list(_KEYS)


def config_params():
    """The declaration of every key: a list of dicts with ``key``, ``section``,
    ``type``, ``default``, ``unit``, ``description``, ``rule`` and ``choices``."""
    return _core.params()


def config_reference():
    """docs/config.md: the reference of every key, as markdown."""
    return _core.config_reference_markdown()
