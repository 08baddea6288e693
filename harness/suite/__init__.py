"""The feature suite the gate runs: ``test_features.py`` binds feature files as pytest tests.

It runs with its own ``pytest.ini`` (``-c``), so a user's pytest configuration in the folder they run
the gate from does not change a gate run.
"""
