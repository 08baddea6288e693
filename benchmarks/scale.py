"""A big company (100,000 invoices, 10,000 customers) and many idle ones, in a fresh simulator process.

``python -m benchmarks.scale big --invoices N --customers M`` and ``... companies --count N`` print
one JSON object; :func:`big_company` and :func:`idle_companies` run them as child processes so the
RSS figures are the simulator's alone, not the benchmark runner's.

Seeding goes through the same entity rules as ``POST /invoice`` (``Customer.create`` and
``Invoice.create``: validation, references, tax, DocNumber checks, indexes, change history) with no
HTTP around them, under the company lock, each record stamped at its own moment spread over the
last year so ``LastUpdatedTime`` queries have a real timeline to search. Queries go through
:func:`simulator.service.query` and :func:`simulator.service.cdc`, what the HTTP views call.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime
from typing import Any

__all__ = ["big_company", "idle_companies", "seed", "write_scaling"]

YEAR = 365 * 86400


def seed(company: Any, *, invoices: int, customers: int, span: float = YEAR) -> float:
    """Add ``customers`` then ``invoices`` through the entity rules; return the epoch of the first record."""
    from simulator.entities import BY_NAME
    from simulator.entities.base import Op

    total = invoices + customers
    start = company.clock.epoch() - span
    step = span / max(1, total)
    customer_rules, invoice_rules = BY_NAME["Customer"], BY_NAME["Invoice"]
    first_customer = None
    with company.lock:
        for i in range(customers):
            epoch = start + i * step
            record = customer_rules.create(
                company,
                {
                    "DisplayName": f"Bench Customer {i:06d}",
                    "GivenName": "Bench",
                    "FamilyName": f"Customer {i:06d}",
                    "PrimaryEmailAddr": {"Address": f"customer{i}@example.com"},
                    "BillAddr": {
                        "Line1": f"{i % 500 + 1} George St",
                        "City": "Sydney",
                        "CountrySubDivisionCode": "NSW",
                        "PostalCode": "2000",
                        "Country": "AU",
                    },
                },
                Op(now=datetime.fromtimestamp(epoch, company.tz), epoch=epoch),
            )
            first_customer = first_customer or int(record["Id"])
        for i in range(invoices):
            epoch = start + (customers + i) * step
            customer = str((first_customer or 1) + i % max(1, customers))
            invoice_rules.create(
                company,
                {
                    "DocNumber": f"INV-{i:06d}",
                    "CustomerRef": {"value": customer},
                    "Line": [
                        {
                            "DetailType": "SalesItemLineDetail",
                            "Amount": 100 + i % 900,
                            "Description": "Consulting",
                            "SalesItemLineDetail": {
                                "ItemRef": {"value": "1"},
                                "Qty": 1,
                                "UnitPrice": 100 + i % 900,
                                "TaxCodeRef": {"value": "5"},
                            },
                        }
                    ],
                },
                Op(now=datetime.fromtimestamp(epoch, company.tz), epoch=epoch),
            )
    return start


def _big(invoices: int, customers: int, queries: int) -> dict[str, Any]:
    from benchmarks.servers import peak_rss_mb, rss_mb
    from simulator import service
    from simulator.app import create_app
    from simulator.clock import format_meta

    app = create_app({"COMPANIES": ({"realm_id": "9341452700000001", "region": "AU", "customers": 0},)})
    company = app.extensions["qbo_simulator"].companies["9341452700000001"]
    rss_before = rss_mb()
    began = time.perf_counter()
    start = seed(company, invoices=invoices, customers=customers)
    seeded = time.perf_counter() - began
    gc.collect()
    rss_after = rss_mb()

    rng = random.Random(6)
    numbers = [f"INV-{rng.randrange(invoices):06d}" for _ in range(queries)]
    doc_times = []
    for number in numbers:
        began = time.perf_counter()
        found = service.query(company, f"SELECT * FROM Invoice WHERE DocNumber = '{number}'")
        doc_times.append(time.perf_counter() - began)
        assert found["QueryResponse"]["Invoice"][0]["DocNumber"] == number
    # the most recent 1 % of changes: what a sync client's poll finds after a busy day on a big company
    since = start + (customers + invoices * 0.99) * (YEAR / (invoices + customers))
    stamp = format_meta(datetime.fromtimestamp(since, company.tz))
    cdc_query, cdc_endpoint, rows = [], [], 0
    for _ in range(max(5, queries // 20)):
        began = time.perf_counter()
        page = service.query(
            company, f"SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime > '{stamp}' MAXRESULTS 1000"
        )
        cdc_query.append(time.perf_counter() - began)
        rows = page["QueryResponse"].get("totalCount", 0)
        began = time.perf_counter()
        service.cdc(company, "Invoice,Customer", stamp)
        cdc_endpoint.append(time.perf_counter() - began)
    return {
        "invoices": invoices,
        "customers": customers,
        "seed_seconds": seeded,
        "records_per_second": (invoices + customers) / seeded,
        "docnumber_p50_ms": statistics.median(doc_times) * 1000,
        "docnumber_p99_ms": sorted(doc_times)[int(len(doc_times) * 0.99) - 1] * 1000,
        "cdc_query_p50_ms": statistics.median(cdc_query) * 1000,
        "cdc_query_rows": rows,
        "cdc_endpoint_p50_ms": statistics.median(cdc_endpoint) * 1000,
        "rss_before_mb": rss_before,
        "rss_mb": rss_after,
        "peak_rss_mb": peak_rss_mb(),
    }


def _companies(count: int) -> dict[str, Any]:
    from benchmarks.servers import rss_mb
    from simulator.app import create_app

    app = create_app({"COMPANIES": ()})
    backends = app.extensions["qbo_simulator"]
    backends.create_company(region="AU")  # warm: Faker's locale data, imports, first-use caches
    gc.collect()
    before = rss_mb()
    began = time.perf_counter()
    for _ in range(count):
        backends.create_company(region="AU")
    seconds = time.perf_counter() - began
    gc.collect()
    after = rss_mb()
    return {
        "companies": count,
        "rss_before_mb": before,
        "rss_after_mb": after,
        "per_company_mb": (after - before) / count,
        "create_ms": seconds / count * 1000,
    }


def _writes(invoices: int, rounds: int, batch: int) -> dict[str, Any]:
    """Invoice create and GET by Id on an empty company and on one with ``invoices`` invoices.

    Both companies live in one process and are measured in alternating batches. Creates go through what
    ``POST /invoice`` calls (``service.write`` under the company lock). GET by Id goes through the whole
    request path of ``GET /v3/company/<realm>/invoice/<id>``: the WSGI app called in-process (Flask, the
    bearer check, the journal, rendering; no sockets), with the same access pattern on both companies:
    :data:`READ_TARGETS` ids spread evenly over all of that company's invoices, each read once per batch
    in a shuffled order after one warm-up pass (so both read their answers' JSON from the record cache).
    The big company is seeded first, then the heap is settled as ``qbo-sim serve`` does after start-up
    (simulator.heap.settle_heap).
    """
    from benchmarks.servers import INVOICE_BODY
    from simulator import service
    from simulator.app import create_app
    from simulator.heap import settle_heap

    app = create_app({"COMPANIES": ({"realm_id": "9341452700000001", "region": "AU", "customers": 1},
                                    {"realm_id": "9341452700000002", "region": "AU", "customers": 1})})
    backends = app.extensions["qbo_simulator"]
    companies = {"empty": backends.companies["9341452700000001"], "big": backends.companies["9341452700000002"]}
    seed(companies["big"], invoices=invoices, customers=100)
    settle_heap()
    rules = service.entity_type("invoice")
    per_create: dict[str, list[float]] = {"empty": [], "big": []}
    per_read: dict[str, list[float]] = {"empty": [], "big": []}
    readers = {name: _Reader(app, company) for name, company in companies.items()}
    shuffle = random.Random(16)
    for _ in range(rounds):
        for name, company in companies.items():
            began = time.process_time()
            for _ in range(batch):
                service.write(company, rules, "create", dict(INVOICE_BODY), service.new_op(company))
            per_create[name].append((time.process_time() - began) / batch)
        targets = {name: reader.targets() for name, reader in readers.items()}
        for name, reader in readers.items():
            reader.read(targets[name])  # warm-up: first reads encode each record's JSON once, on both companies
        for name, reader in readers.items():
            order = list(targets[name])
            shuffle.shuffle(order)
            began = time.process_time()
            reader.read(order)
            per_read[name].append((time.process_time() - began) / len(order))
    create = {k: statistics.median(v) for k, v in per_create.items()}
    read = {k: statistics.median(v) for k, v in per_read.items()}
    create_rounds = [e / b for e, b in zip(per_create["empty"], per_create["big"], strict=True)]
    return {
        "invoices": invoices,
        "create_per_s_empty": 1 / create["empty"],
        "create_per_s_big": 1 / create["big"],
        # the median of the paired rounds (empty and big batches alternate, so a round's ratio cancels drift),
        # as the note says; the ratio of the two medians mixed unpaired rounds
        "create_ratio": statistics.median(create_rounds),
        "read_us_empty": read["empty"] * 1e6,
        "read_us_big": read["big"] * 1e6,
        "read_ratio": read["empty"] / read["big"],
        "read_targets": READ_TARGETS,
        "per_round_create_ratio": create_rounds,
        "per_round_read_ratio": [e / b for e, b in zip(per_read["empty"], per_read["big"], strict=True)],
    }


#: invoices read per batch on each company (spread evenly over all its invoices)
READ_TARGETS = 500


class _Reader:
    """``GET /v3/company/<realm>/invoice/<id>?minorversion=75`` through the WSGI app, as a client sends it."""

    def __init__(self, app: Any, company: Any) -> None:
        self.app = app
        self.company = company
        token = app.extensions["qbo_simulator"].oauth.connect(company.realm_id)["access_token"]
        self.environ = {
            "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "QUERY_STRING": "minorversion=75",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False, "wsgi.version": (1, 0),
            "HTTP_HOST": "127.0.0.1:8000", "HTTP_ACCEPT": "application/json", "HTTP_AUTHORIZATION": f"Bearer {token}",
        }
        self.prefix = f"/v3/company/{company.realm_id}/invoice/"

    def targets(self) -> list[str]:
        ids = list(self.company.store("Invoice").records)
        step = max(1, len(ids) // READ_TARGETS)
        return ids[::step][:READ_TARGETS]

    def read(self, ids: list[str]) -> None:
        import io

        status: list[str] = []

        def start_response(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            status.append(line)

        for entity_id in ids:
            environ = {**self.environ, "PATH_INFO": self.prefix + entity_id, "wsgi.input": io.BytesIO(b"")}
            body = self.app(environ, start_response)
            b"".join(body)
            if hasattr(body, "close"):  # as a WSGI server does (PEP 3333): a plain list has nothing to close
                body.close()
        bad = [line for line in status if not line.startswith("200")]
        if bad:
            raise RuntimeError(f"GET by Id answered {bad[0]} ({len(bad)} of {len(ids)})")


def write_scaling(invoices: int, rounds: int = 7, batch: int = 400) -> dict[str, Any]:
    return _run("writes", "--invoices", str(invoices), "--rounds", str(rounds), "--batch", str(batch))


def _run(*args: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", *args], capture_output=True, text=True, timeout=1800
    )
    if completed.returncode != 0:
        raise RuntimeError(f"benchmarks.scale {' '.join(args)} failed: {completed.stderr[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def big_company(invoices: int, customers: int, queries: int = 200) -> dict[str, Any]:
    return _run("big", "--invoices", str(invoices), "--customers", str(customers), "--queries", str(queries))


def idle_companies(count: int) -> dict[str, Any]:
    return _run("companies", "--count", str(count))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale")
    sub = parser.add_subparsers(dest="what", required=True)
    big = sub.add_parser("big")
    big.add_argument("--invoices", type=int, default=100_000)
    big.add_argument("--customers", type=int, default=10_000)
    big.add_argument("--queries", type=int, default=200)
    many = sub.add_parser("companies")
    many.add_argument("--count", type=int, default=200)
    writes = sub.add_parser("writes")
    writes.add_argument("--invoices", type=int, default=50_000)
    writes.add_argument("--rounds", type=int, default=7)
    writes.add_argument("--batch", type=int, default=400)
    args = parser.parse_args(argv)
    if args.what == "writes":
        result = _writes(args.invoices, args.rounds, args.batch)
    else:
        result = (
            _big(args.invoices, args.customers, args.queries) if args.what == "big" else _companies(args.count)
        )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
