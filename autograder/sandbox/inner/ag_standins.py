"""Stand-ins for modules the grading environment lacks: importing one from the student's own code
binds a module whose attributes, calls, context managers, iteration and subclassing do nothing.

Only imports made directly by student code are answered (imports made by installed libraries, e.g.
optional dependencies probed inside ``try/except ImportError``, keep failing), and never for the
grader's own stack (TensorFlow, Keras, NumPy, the grader and its runner), which is real or fails loudly.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types

import ag_state

PROTECTED = frozenset({"tensorflow", "keras", "numpy", "autograder", "tf_keras", "tensorflow_core"})
MAX_RECORDS = 100


def protected(fullname):
    top = fullname.partition(".")[0]
    return top in PROTECTED or top.startswith("ag_")


class StandIn:
    """A value that does nothing: every use gives another stand-in (or a neutral plain value)."""

    __slots__ = ("_ag_name", "_ag_attrs", "_ag_items", "__weakref__")

    def __init__(self, name="stand-in"):
        object.__setattr__(self, "_ag_name", name)
        object.__setattr__(self, "_ag_attrs", {})
        object.__setattr__(self, "_ag_items", {})

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            if name == "__version__":
                return "0.0"
            raise AttributeError(name)
        # The same child each time, and what the student set stays set (``config = wandb.config;
        # config.epochs = 50; fit(epochs=config.epochs)``).
        attrs = self._ag_attrs
        if name not in attrs:
            attrs[name] = StandIn(f"{self._ag_name}.{name}")
        return attrs[name]

    def __setattr__(self, name, value):
        self._ag_attrs[name] = value

    def __delattr__(self, name):
        self._ag_attrs.pop(name, None)

    def __call__(self, *args, **kwargs):
        # Used as a decorator (``@standin`` or ``@standin(...)``): give the function back unchanged.
        if len(args) == 1 and not kwargs and (isinstance(args[0], (types.FunctionType, type))):
            return args[0]
        return StandIn(f"{self._ag_name}()")

    def __repr__(self):
        return f"<stand-in {self._ag_name}>"

    def __str__(self):
        return ""

    def __format__(self, spec):
        return ""

    def __bool__(self):
        return False

    def __len__(self):
        return 0

    def __iter__(self):
        return iter(())

    def __contains__(self, item):
        return False

    def __getitem__(self, key):
        try:
            return self._ag_items[key]
        except (KeyError, TypeError):
            return StandIn(f"{self._ag_name}[]")

    def __setitem__(self, key, value):
        try:
            self._ag_items[key] = value
        except TypeError:
            pass

    def __delitem__(self, key):
        try:
            self._ag_items.pop(key, None)
        except TypeError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    def __int__(self):
        return 0

    def __float__(self):
        return 0.0

    def __index__(self):
        return 0

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def __lt__(self, other):
        return False

    __le__ = __gt__ = __ge__ = __lt__

    def _same(self, *args):
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _same
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _same
    __neg__ = __pos__ = __abs__ = __invert__ = _same
    __and__ = __rand__ = __or__ = __ror__ = __xor__ = __rxor__ = _same

    def __mro_entries__(self, bases):
        """``class C(standin.Base)`` subclasses a do-nothing base."""
        return (StandInBase,)

    def __instancecheck__(self, obj):
        return False

    def __subclasscheck__(self, cls):
        return False


class StandInBase:
    """The base of a class that subclasses a stand-in: unknown attributes are stand-ins."""

    def __init__(self, *args, **kwargs):
        mro = type(self).__mro__
        following = mro[mro.index(StandInBase) + 1:]
        if following and following[0] is not object:
            super().__init__(*args, **kwargs)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return StandIn(f"{type(self).__name__}.{name}")


class StandInModule(types.ModuleType):
    """A stood-in module: a package (so ``from x.y import z`` works) whose attributes are stand-ins."""

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            if name == "__version__":
                return "0.0"
            raise AttributeError(name)
        value = StandIn(f"{self.__name__}.{name}")
        setattr(self, name, value)  # the same object next time (``wandb.config``)
        return value


def is_standin(obj):
    """A stand-in value, or an instance of a class built on one."""
    return isinstance(obj, (StandIn, StandInBase, StandInModule))


class StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on ``sys.meta_path``: answers what no other finder found, for student imports only."""

    def __init__(self, sites, records):
        self.sites = sites
        self.records = records
        self.modules = {}  # full name -> StandInModule, reused when imported again
        self.seen = set()

    def find_spec(self, fullname, path=None, target=None):
        if protected(fullname):
            return None
        parent = fullname.rpartition(".")[0]
        child_of_standin = bool(parent) and isinstance(sys.modules.get(parent), StandInModule)
        importer = self.sites.importer(sys._getframe(1))
        site = self.sites.location(importer.f_code.co_filename, importer.f_lineno) if importer else None
        if site is None and not child_of_standin:
            return None
        self.record(fullname, site)
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def record(self, fullname, site):
        if fullname in self.seen or len(self.records) >= MAX_RECORDS:
            return
        self.seen.add(fullname)
        parts = fullname.split(".")
        missing = fullname  # the outermost name that really is missing (its parents were imported)
        for n in range(1, len(parts)):
            head = ".".join(parts[:n])
            if isinstance(sys.modules.get(head), StandInModule):
                missing = head
                break
        last = self.records[-1] if self.records else None
        if last and last["location"] == site and fullname.startswith(last["name"] + "."):
            last["name"] = fullname  # ``import a.b.c``: one record for the statement, not one per package
            return
        self.records.append(ag_state.new(ag_state.StandIn, module=parts[0], name=fullname, missing=missing,
                                         location=site))

    def create_module(self, spec):
        module = self.modules.get(spec.name)
        if module is None:
            module = StandInModule(spec.name)
            module.__path__ = []
            module.__all__ = []
            module.__file__ = None
            self.modules[spec.name] = module
        return module

    def exec_module(self, module):
        pass

    def scrub(self):
        """Take the stand-ins out of ``sys.modules`` (and off real parent packages) so that installed
        libraries, which may import the same names later, keep getting ImportError."""
        for name, module in self.modules.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
            parent_name, _, child = name.rpartition(".")
            parent = sys.modules.get(parent_name) if parent_name else None
            if parent is not None and not isinstance(parent, StandInModule):
                try:
                    if parent.__dict__.get(child) is module:
                        delattr(parent, child)
                except Exception:
                    pass


def install(sites, records):
    """Put the finder last on ``sys.meta_path``; stood-in modules are appended to ``records``."""
    finder = StandInFinder(sites, records)
    sys.meta_path.append(finder)
    return finder


def install_plot_model(sites, records):
    """``keras.utils.plot_model`` needs pydot (and Graphviz). Where pydot is missing, the call does nothing
    and pydot is recorded like a stood-in module, instead of an ImportError among the student's errors."""
    try:
        import pydot  # noqa: F401
        return
    except Exception:
        pass
    try:
        from keras.src.utils import model_visualization
    except Exception:
        return
    original = model_visualization.plot_model
    seen = set()

    def plot_model(*args, **kwargs):
        site = sites.site(sys._getframe(1))
        key = repr(sorted(site.items())) if site else None
        if key not in seen and len(records) < MAX_RECORDS:
            seen.add(key)
            records.append(ag_state.new(ag_state.StandIn, module="pydot", name="pydot", missing="pydot",
                                        location=site, used_by="keras.utils.plot_model"))
        return None

    plot_model.__doc__ = original.__doc__
    for module in list(sys.modules.values()):  # keras.utils and the modules that imported it by name
        try:
            if vars(module).get("plot_model") is original:
                module.plot_model = plot_model
        except TypeError:
            continue
