"""``--shard i/n``: which part of the suite one CI machine runs (``harness.collector`` keeps every n-th
scenario). Parsed here, without pytest, so ``qbo-sim gate`` refuses a bad value before it starts a run."""

from __future__ import annotations

__all__ = ["parse_shard"]


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` → ``(2, 4)``; ValueError naming the accepted form for anything else (``i`` from 1 to ``n``)."""
    try:
        index, total = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard takes i/n (e.g. 2/4), not {text!r}") from None
    if not 1 <= index <= total:
        raise ValueError(f"--shard {text}: i must be between 1 and n")
    return index, total
