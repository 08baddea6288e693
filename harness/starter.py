"""``qbo-sim init [DIR]``: a working start for a QA repository that gates Caspen's own integration.

It writes a features folder with one example scenario (tagged with a tag of QA's own), a step module
of QA's own, a driver skeleton (every protocol operation, generated from :mod:`drivers.protocol`, so it
is complete for this version), and a README with the commands. Existing files are never overwritten.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import textwrap
from pathlib import Path
from typing import Any

__all__ = ["register", "starter_files", "driver_skeleton"]

EXAMPLE_FEATURE = '''\
@smoke
Feature: Our first QuickBooks scenario
  Written by QA with the bundled step library (`qbo-sim steps` lists every step).

  Scenario: A finalized invoice syncs with GST
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042
    When I finalize an invoice for "Jo Citizen" of $100.00 with GST
    Then the QuickBooks status card shows "Synced"
    And QuickBooks has the invoice with a total of $110.00
    And the invoice is synced without a warning
'''

EXAMPLE_STEPS = '''\
"""Our own steps, next to the bundled library: `qbo-sim gate features/ --steps our_steps`.

A step is one or two calls to the driver protocol (world.caspen: Caspen's side) or the simulator's
control handle (world.sim: QuickBooks' side). The docstring's "Example:" line shows in `qbo-sim steps`.
"""

from pytest_bdd import then

from steps.world import World


@then("the invoice is synced without a warning")
def _(world: World) -> None:
    """Synced, and QuickBooks' totals agree with Caspen's (no warning on the card).

    Example: And the invoice is synced without a warning
    """
    card = world.card()
    assert card is not None and card.state == "synced" and not card.warning, card
'''

README = '''\
# Caspen QuickBooks gate

```bash
qbo-sim gate                                        # the bundled article suite against the reference integration
qbo-sim gate features/ --steps our_steps            # our scenarios (and our own steps)
qbo-sim gate features/ --steps our_steps --tags @smoke
qbo-sim gate features/ --steps our_steps --with-bundled   # the release gate: the article suite and ours, one verdict
qbo-sim gate --driver caspen_driver:CaspenDriver    # the article suite against our integration (Python driver)
qbo-sim gate --driver http://localhost:8765         # ... or our service speaking the HTTP driver protocol
qbo-sim driver-protocol > driver-protocol.json      # that protocol (OpenAPI 3.1)
qbo-sim steps --search "status card"                # the step library
```

Reports land in `reports/` of the folder you run the gate from. The gate fails unless every case of the
support article has a passing scenario (with `--tags`, only what was selected must pass).

`caspen_driver.py` is a skeleton: fill in each operation (drive Caspen's web UI, its API, ...), declare
what it can do in `capabilities`; scenarios needing a capability it lacks are reported *not applicable*.
'''


def driver_skeleton() -> str:
    """A Python driver with every protocol operation, each raising NotImplementedError until filled in."""
    from drivers.protocol import CAPABILITIES, OPERATIONS

    out = ['"""Our Caspen driver: how the gate\'s scenarios reach our QuickBooks integration.',
           "",
           "`qbo-sim gate --driver caspen_driver:CaspenDriver`. Each method is one user action or one thing Caspen",
           "shows; see drivers/protocol.py of qbo-sim (or docs/driver-guide.md) for the exact meaning. Raise",
           "drivers.protocol.DriverError(self.name, operation, message, kind=\"refused\") when Caspen refuses.",
           '"""', "", "from __future__ import annotations", "", "from decimal import Decimal", "",
           "from drivers.model import (Client, Company, DefaultItems, Discount, Document, LineSpec, PaymentImport,",
           "                           QuickBooksSite, StatusCard, SyncAttempt, TaxCode, TaxRate, Totals)", "", "",
           "class CaspenDriver:", '    name = "caspen"',
           "    #: what this driver can do: " + ", ".join(CAPABILITIES),
           "    capabilities: frozenset[str] = frozenset()", ""]
    for operation in OPERATIONS.values():
        params = ["self"]
        for name, tp, default in operation.parameters:
            annotation = _annotation(tp)
            params.append(f"{name}: {annotation}" + ("" if default is inspect.Parameter.empty else f" = {default!r}"))
        returns = _annotation(operation.returns)
        out.append(f"    def {operation.name}({', '.join(params)}) -> {returns}:")
        doc = operation.doc.split("\n\n")[0].replace("\n", " ")
        out += textwrap.wrap(f'"""{doc}"""', width=112, initial_indent=" " * 8, subsequent_indent=" " * 8)
        if operation.name in ("start", "open_account", "close_account", "stop"):
            out.append("        pass" if operation.name != "start" else "        self.quickbooks = quickbooks")
            if operation.name == "open_account":
                out[-1] = "        self.company = company"
        else:
            out.append(f'        raise NotImplementedError("{operation.name}")')
        out.append("")
    return "\n".join(out)


def _annotation(tp: Any) -> str:
    text = tp.__name__ if isinstance(tp, type) and not getattr(tp, "__args__", None) else str(tp)
    text = text.replace("drivers.model.", "").replace("decimal.", "").replace("NoneType", "None")
    return "None" if text == "None" else text


def starter_files() -> dict[str, str]:
    return {"features/example.feature": EXAMPLE_FEATURE, "our_steps.py": EXAMPLE_STEPS,
            "caspen_driver.py": driver_skeleton(), "README.md": README, ".gitignore": "reports/\n__pycache__/\n"}


def register(commands: Any) -> None:
    init = commands.add_parser("init", help="start a QA repository: an example feature, own steps, a driver skeleton")
    init.add_argument("folder", nargs="?", type=Path, default=Path("."), help="where (default: this folder)")
    init.set_defaults(run=_init)


def _init(args: argparse.Namespace) -> int:
    files = starter_files()
    existing = [name for name in files if (args.folder / name).exists()]
    if existing:
        print(f"qbo-sim init: {args.folder} already has {', '.join(existing)}; nothing was written", file=sys.stderr)
        return 2
    for name, text in files.items():
        target = args.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    print(f"next: cd {args.folder} && qbo-sim gate features/ --steps our_steps")
    return 0
