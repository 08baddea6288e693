"""The syncing process the crash-recovery test kills: open the file store, ``resume()``, ``push_all()``.

``python tests/reliability/crash_worker.py SETTINGS.json`` — the JSON names the store file and the
simulator's base URL. Prints ``started`` once the store is open, then one JSON line (what it
finished), and exits 0 when the push completed; the test SIGKILLs it at random moments instead,
then starts it again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, when run as a script

from sync_client import CaspenAccount  # noqa: E402
from sync_client.config import RateLimits  # noqa: E402
from tests.reliability.helpers import make_config  # noqa: E402


def main(settings_path: str) -> int:
    settings = json.loads(Path(settings_path).read_text())
    config = make_config(settings["base_url"], rate_limits=RateLimits(
        requests_per_second=10_000, requests_per_minute=1_000_000, batches_per_minute=100_000,
        batch_size=settings["batch_size"]))
    with CaspenAccount.open(settings["store"], config=config, sleep=lambda s: None) as account:
        print("started", flush=True)  # imports done: the kill timer starts now
        resumed = account.resume()
        report = account.push_all()
        print(json.dumps({"resumed": resumed, "synced": len(report.synced), "failed": len(report.failed),
                          "batches": report.batches}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
