"""PySide6's scan of every imported module, answered without reading each module's source.

Importing PySide6.QtCore replaces Python's ``__import__`` (for PySide's opt-in ``from __feature__
import snake_case, true_property``), and after each import of a module it has not seen, PySide asks
``shibokensupport.feature._mod_uses_pyside(module)``, which reads the module's whole source file to
see whether it mentions "PySide6". At this program's start that is several hundred modules, about 7 %
of the time to the main window's first paint (issue 23). The answer only decides which modules a
``__feature__`` switch applies to, and this program switches none on (tests/ui/test_start_imports.py
checks that no module asks for one).

So the question is answered from what the module holds instead: it uses PySide6 if one of its globals
is a PySide6 module, class or function. The same answer for every module that imports from PySide6
at its top, in microseconds; a module that only names PySide6 in a comment or a function's own import
is no longer counted, which matters only to a feature switch. PySide6 versions without this function
are left as they are.
"""

from __future__ import annotations

import sys
from types import BuiltinFunctionType, FunctionType, ModuleType

_PREFIXES = ("PySide6", "shiboken6")


def _uses_pyside(module: object) -> bool:
    namespace = getattr(module, "__dict__", None)
    if not isinstance(namespace, dict):
        return False
    for value in list(namespace.values()):
        if isinstance(value, ModuleType):
            name = value.__name__
        elif isinstance(value, type | BuiltinFunctionType | FunctionType):
            name = getattr(value, "__module__", None) or ""
        else:
            continue
        if isinstance(name, str) and name.startswith(_PREFIXES):
            return True
    return False


def install() -> bool:
    """Answer PySide6's question cheaply from now on; False when this PySide6 asks no such question."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _uses_pyside  # type: ignore[attr-defined]
    return True
