"""Binds feature files as pytest tests: ``$QBO_SIM_FEATURES`` (files or folders, separated by the OS path
separator, as ``qbo-sim gate PATH ...`` sets it), else the bundled article suite (``harness/features``).

Each file is checked and bound on its own (:func:`harness.featurefiles.bind`): a file with a mistake
becomes failing tests naming its file, line and fix, and every other file still runs.
"""

from pathlib import Path

from harness.featurefiles import bind, paths_from_environment

BUNDLED = Path(__file__).resolve().parents[1] / "features"

bind(paths_from_environment(BUNDLED))
