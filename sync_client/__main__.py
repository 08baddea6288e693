"""``python -m sync_client`` = ``caspen-sync``."""

from sync_client.cli import main

raise SystemExit(main())
