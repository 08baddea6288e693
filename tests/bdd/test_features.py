"""Binds every ``.feature`` under ``features/`` (or the paths in ``$QBO_SIM_FEATURES``) as pytest tests.

Each file is checked and bound on its own (:func:`harness.featurefiles.bind`): a file with a mistake
becomes failing tests naming its file, line and fix, and every other file still runs.
"""

from pathlib import Path

from harness.featurefiles import bind, paths_from_environment

FEATURES = Path(__file__).resolve().parents[2] / "features"

bind(paths_from_environment(FEATURES))
