"""Run the release gate once per mutation and say which bugs it caught.

``python -m tests.mutations.runner [--only ID ...] [-j N]`` prints one row per mutation and a score;
it exits 1 if any bug survived. A bug is caught when the gate fails **and** one of its failed scenarios
belongs to an expected article case or feature area (a gate that fails for an unrelated reason does not
count as catching it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.mutations.catalogue import MUTATIONS, Mutation
from tests.mutations.plugin import ENV

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Verdict:
    mutation: Mutation
    caught: bool
    gate_exit: int
    failed: tuple[str, ...]  # "feature file — scenario [cases]" of each failed scenario
    note: str

    def row(self) -> str:
        mark = "caught" if self.caught else "SURVIVED"
        return f"{mark:8}  {self.mutation.id:38}  {self.note}"


def _areas(result: dict) -> set[str]:
    record = result.get("record") or {}
    file = Path((record.get("feature") or {}).get("file") or result["nodeid"].split("::")[0])
    tags = set((record.get("feature") or {}).get("tags") or []) | set((record.get("scenario") or {}).get("tags") or [])
    cases = {t.split(":", 1)[1] for t in tags if t.startswith("article:")}
    return cases | {file.stem, file.parent.name}


def _describe(result: dict) -> str:
    scenario = ((result.get("record") or {}).get("scenario") or {}).get("name", result["nodeid"])
    return f"{Path(result['nodeid'].split('::')[0]).name} — {scenario}"


def run_one(mutation: Mutation, *, workdir: Path) -> Verdict:
    reports = workdir / mutation.id
    env = {**os.environ, ENV: mutation.id, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                                                        os.environ.get("PYTHONPATH")])),
           "PYTEST_ADDOPTS": (os.environ.get("PYTEST_ADDOPTS", "") + " -p tests.mutations.plugin").strip()}
    process = subprocess.run([sys.executable, "-m", "simulator", "gate", "--quiet", "--reports", str(reports)],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    results_file = reports / "results.jsonl"
    results = [json.loads(line) for line in results_file.read_text().splitlines() if line.strip()] \
        if results_file.exists() else []
    failed = [r for r in results if r["outcome"] == "failed"]
    hits = [r for r in failed if _areas(r) & set(mutation.expect)]
    described = tuple(_describe(r) for r in failed)
    if process.returncode == 0:
        note = "the gate passed"
    elif not results:
        note = f"no scenario ran (gate exit {process.returncode}): {(process.stderr or process.stdout)[-300:]}"
    elif not hits:
        note = f"failed only elsewhere: {'; '.join(described[:3])}"
    else:
        note = f"{len(failed)} failed, e.g. {described[failed.index(hits[0])]}"
    return Verdict(mutation, bool(hits) and process.returncode != 0, process.returncode, described, note)


def run(mutations: list[Mutation], *, jobs: int = 2) -> list[Verdict]:
    with tempfile.TemporaryDirectory(prefix="qbo-mutations-") as tmp, ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(lambda m: run_one(m, workdir=Path(tmp)), mutations))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutations.runner", description=__doc__)
    parser.add_argument("--only", nargs="*", help="mutation ids to run (default: every one)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="gates to run at once (default 2)")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.only or m.id in args.only]
    verdicts = run(chosen, jobs=args.jobs)
    for verdict in verdicts:
        print(verdict.row())
    caught = sum(v.caught for v in verdicts)
    print(f"\nmutation score: {caught}/{len(verdicts)} caught")
    return 0 if caught == len(verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
