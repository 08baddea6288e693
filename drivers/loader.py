"""Which driver a gate run uses: ``--driver`` (or ``$QBO_SIM_DRIVER``) resolved to a :class:`CaspenDriver`.

* nothing, or ``reference`` — :class:`drivers.reference.ReferenceDriver` (sync_client, in-process);
* ``http://HOST:PORT`` (or https) — :class:`drivers.http.HttpDriver`, after a handshake (version check);
* ``package.module:ClassName`` — your own class, imported from the current folder or ``sys.path`` and
  called with no arguments.

Whatever is loaded is wrapped in :class:`CheckedDriver`, so every driver fails the same clear way: an
operation it lacks, or an exception it raises, becomes a :class:`DriverError` naming the driver and the
operation (never a bare ``AttributeError`` from deep inside a step).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drivers.protocol import CAPABILITIES, OPERATIONS, DriverError

__all__ = ["DRIVER_ENV", "load_driver", "check_driver", "CheckedDriver", "DriverSpecError"]

#: the environment variable the gate sets for its pytest run
DRIVER_ENV = "QBO_SIM_DRIVER"
_FORMS = "reference, http://HOST:PORT or package.module:ClassName"


class DriverSpecError(ValueError):
    """``--driver`` names no driver that can be loaded; the message says why and the accepted forms."""


def load_driver(spec: str | None, *, check: bool = True) -> CheckedDriver:
    """The driver ``spec`` names, checked. Raises :class:`DriverSpecError` (bad spec, import failure) or
    :class:`DriverError` (an HTTP driver unreachable or speaking another protocol version)."""
    text = (spec or "reference").strip()
    if text == "reference":
        from drivers.reference import ReferenceDriver

        return CheckedDriver(ReferenceDriver())
    if text.startswith(("http://", "https://")):
        from drivers.http import HttpDriver

        driver = HttpDriver(text)
        if check:
            driver.handshake()
        return CheckedDriver(driver)
    if ":" in text and not text.startswith(":"):
        return CheckedDriver(_import_class(text)())
    raise DriverSpecError(f"--driver {text!r} is not a driver; use {_FORMS}")


def check_driver(spec: str | None) -> None:
    """What the gate checks before any scenario, without making the driver: an HTTP driver answers the
    handshake in this protocol version; a ``module:Class`` driver's class can be imported (it is created in
    the scenarios' process, where it may open a browser or a connection). Raises like :func:`load_driver`."""
    text = (spec or "reference").strip()
    if text.startswith(("http://", "https://")):
        from drivers.http import HttpDriver

        driver = HttpDriver(text)
        try:
            driver.handshake()
        finally:
            driver.session.close()
    elif text != "reference":
        if ":" not in text or text.startswith(":"):
            raise DriverSpecError(f"--driver {text!r} is not a driver; use {_FORMS}")
        _import_class(text)


def _import_class(text: str) -> Callable[[], Any]:
    module_name, _, class_name = text.partition(":")
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))  # a QA repository's own driver module, run from its folder
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise DriverSpecError(f"--driver {text}: cannot import {module_name!r} ({exc}); use {_FORMS}") from None
    found = getattr(module, class_name, None)
    if found is None or not callable(found):
        raise DriverSpecError(f"--driver {text}: module {module_name!r} has no class {class_name!r}")
    return found


class CheckedDriver:
    """A driver seen through the protocol: only protocol operations, and every failure a DriverError."""

    def __init__(self, driver: Any) -> None:
        self.wrapped = driver
        self.name = str(getattr(driver, "name", None) or type(driver).__name__)
        declared = getattr(driver, "capabilities", frozenset())
        unknown = sorted(set(declared) - set(CAPABILITIES))
        if unknown:
            raise DriverError(self.name, "capabilities", f"unknown capabilities {unknown}; known: "
                                                         f"{', '.join(CAPABILITIES)}", kind="protocol")
        self.capabilities = frozenset(declared)

    def __getattr__(self, operation: str) -> Any:
        if operation not in OPERATIONS:
            raise AttributeError(f"{operation!r} is not an operation of the driver protocol")
        method = getattr(self.wrapped, operation, None)
        if method is None:
            return _missing(self.name, operation)
        return _guarded(self.name, operation, method)


def _missing(name: str, operation: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        raise DriverError(name, operation, f"{name} has no method {operation}()", kind="unsupported")

    return call


def _guarded(name: str, operation: str, method: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except DriverError:
            raise
        except NotImplementedError as exc:
            raise DriverError(name, operation, str(exc) or "not implemented", kind="unsupported") from exc
        except AssertionError:
            raise
        except Exception as exc:  # a user driver's own failure, named
            raise DriverError(name, operation, f"{type(exc).__name__}: {exc}") from exc

    return call
