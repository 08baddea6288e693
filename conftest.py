"""Registers the step library and the feature-suite plugins for every pytest run (pytest-bdd needs step
modules registered once, here, not imported from test modules). The gate registers the same list
itself (``-p steps.library``), so it also runs from an installed package. ``tests.scheduling`` spreads
the suite over xdist workers (``-n``); ``tests.settled_heap`` keeps the garbage collector off what collection
built; ``tests.bytecode`` compiles the checkout once for the processes the suite starts."""

pytest_plugins = ["tests.bytecode", "steps.library", "tests.scheduling", "tests.settled_heap"]
