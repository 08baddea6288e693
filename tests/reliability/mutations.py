"""Named bugs, each with the test that claims to catch it (issue 13: "evidence must be able to fail").

Each :class:`Mutation` is a textual patch of one product file (``old`` must occur exactly ``count`` times,
so a refactoring that moves the code makes the check fail loudly instead of testing nothing) and the
pytest node ids that must fail once it is applied. ``test_mutations.py`` applies each one to a copy of the
repository and runs those tests there (fast profile).

Why targeted patches and not a mutation-testing library (mutmut, cosmic-ray): those generate hundreds of
anonymous mutants per module and need many minutes per module on a two-core machine; the claims to prove
here are specific (the company lock around the replay check, the client's automatic retries, ``requestid``
on every write, ...), each paired with the test that makes that claim. Why not fault seams (flags in the
product that switch a behaviour off): a switch that disables a lock or a retry is a magic switch in
shipped code; a patch applied only to a throw-away copy leaves the product untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MUTATIONS", "Mutation"]


@dataclass(frozen=True)
class Mutation:
    name: str  # the bug, as docs/reliability.md names it
    path: str  # product file, relative to the repository root
    old: str
    new: str
    tests: tuple[str, ...]  # node ids that must fail with the bug in
    count: int = 1  # how many times ``old`` occurs (all are replaced)


MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        "no company lock around the requestid replay check",
        "simulator/views/accounting.py",
        "    with target.lock:\n        cached = target.replay(request_id)",
        "    if True:\n        cached = target.replay(request_id)",
        ("tests/simulator/test_concurrency.py::test_concurrent_duplicates_of_one_requestid_create_exactly_once",
         "tests/reliability/test_concurrency_hammer.py::"
         "test_one_requestid_sent_by_16_threads_at_once_writes_once_per_company"),
    ),
    Mutation(
        "sync client: no automatic retries (429, 5xx, dropped connections, timeouts give up at once)",
        "sync_client/qbo.py",
        "if attempt >= policy.max_attempts:",
        "if True:",
        ("tests/reliability/test_sync_chaos.py::test_every_invoice_syncs_exactly_once_through_20_percent_failures",),
        count=2,
    ),
    Mutation(
        "sync client: writes sent without their requestid",
        "sync_client/qbo.py",
        "        if requestid is not None:\n            query[\"requestid\"] = requestid",
        "        if False:\n            query[\"requestid\"] = requestid",
        ("tests/reliability/test_sync_chaos.py::test_every_invoice_syncs_exactly_once_through_20_percent_failures",
         "tests/reliability/test_crash_recovery.py::"
         "test_sigkill_at_random_points_of_a_bulk_push_loses_and_duplicates_nothing"),
    ),
    Mutation(
        "sync client: Retry re-sends a stale stored update and stops at its 5010",
        "sync_client/sync.py",
        "                if document is None or row.document_number != document or \\\n",
        "                if True or row.document_number != document or \\\n",
        ("tests/sync_client/test_resilience.py::"
         "test_one_retry_syncs_an_update_that_outlasted_an_outage_while_quickbooks_was_edited",),
    ),
    Mutation(
        "a card title that is not the article's (case changed)",
        "sync_client/status.py",
        '"duplicate-document-number": "Duplicate document number",',
        '"duplicate-document-number": "Duplicate Document Number",',
        ("tests/sync_client/test_bulk.py",),
    ),
    Mutation(
        "sync_client.__all__ misses a public name",
        "sync_client/__init__.py",
        '    "RetryPolicy",\n',
        "",
        ("tests/sync_client/test_store_and_limits.py::test_exported_members_are_explicit",),
    ),
    Mutation(
        "qbo-sim has no bench command",
        "simulator/cli.py",
        '("harness.cli", "benchmarks.cli")',
        '("harness.cli",)',
        ("tests/benchmarks/test_bench_quick.py::test_qbo_sim_cli_routes_bench_to_the_benchmarks",),
    ),
    Mutation(
        "id_token iat/exp from the simulated clock instead of the wall clock clients check against",
        "simulator/oauth.py",
        "            wall = time.time()\n",
        "            wall = now\n",
        ("tests/simulator/test_oauth.py::test_id_token_claims_and_rs256_signature",),
    ),
    Mutation(
        "POST /query examples offered as application/text (no stock serializer)",
        "simulator/openapi/accounting.py",
        '{"application/text": query_text_as_sdks_send_it,',
        '{"application/text": query_text,',
        ("tests/contract/test_st_cli.py::test_stock_st_run_passes_on_the_served_document",),
    ),
    Mutation(
        "a missing prerequisite skips under CI=true",
        "tests/prerequisites.py",
        '    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")',
        "    return False",
        ("tests/test_prerequisites.py::test_missing_prerequisites_fail_under_ci_naming_what_is_missing",),
    ),
)
