"""The embedded SQLite store: Caspen's documents, the QuickBooks connection, cards and the outbox.

Created and migrated on first use (see :mod:`sync_client.schema`); files use WAL so readers never
block the writer. All access goes through one connection guarded by a re-entrant lock, and
:meth:`Store.transaction` nests: the sync engine wraps "QuickBooks answered X" and the invoice's
new state in one transaction, so a crash leaves either both or neither.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sync_client.domain import Client, CreditNote, Discount, Invoice, Line, Payment, TaxRate
from sync_client.schema import MIGRATIONS

__all__ = ["Store", "ConnectionRow", "OutboxRow"]


@dataclass(frozen=True)
class ConnectionRow:
    realm_id: str | None
    state: str
    access_token: str | None
    access_expires_at: float | None
    refresh_token: str | None
    refresh_expires_at: float | None
    connected_at: datetime | None
    pending_state: str | None

    def __repr__(self) -> str:  # tokens never reach logs or assertion messages
        return f"ConnectionRow(realm_id={self.realm_id!r}, state={self.state!r}, tokens=[redacted])"


@dataclass(frozen=True)
class OutboxRow:
    id: int
    document_number: str | None
    operation: str
    entity: str
    requestid: str
    payload: str
    state: str
    sent_count: int


class Store:
    """``Store(":memory:")`` or ``Store("caspen.db")``; thread-safe."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        self._depth = 0
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
        self._migrate()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- plumbing ---------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; nested calls join the outer transaction."""
        with self._lock:
            if self._depth == 0:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._db.execute("COMMIT")

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._db.execute(sql, params)

    def one(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        with self._lock:
            return self._db.execute(sql, params).fetchone()

    def all(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _migrate(self) -> None:
        with self.transaction():
            self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self._db.execute("SELECT MAX(version) FROM schema_version").fetchone()
            current = row[0] or 0
            for version, sql in MIGRATIONS:
                if version > current:
                    for statement in (s.strip() for s in sql.split(";")):
                        if statement:
                            self._db.execute(statement)
                    self._db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))

    @property
    def schema_version(self) -> int:
        return int(self.one("SELECT MAX(version) FROM schema_version")[0])

    def integrity_check(self) -> list[str]:
        """Problems found (empty = healthy): SQLite's own checks plus the sync invariants."""
        problems = [r[0] for r in self.all("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [f"foreign key: {tuple(r)}" for r in self.all("PRAGMA foreign_key_check")]
        checks = {
            "synced invoice without a SyncToken":
                "SELECT number FROM invoices WHERE qbo_id IS NOT NULL AND qbo_sync_token IS NULL",
            "draft invoice with a QuickBooks counterpart": "SELECT number FROM invoices WHERE status = 'draft' "
                                                           "AND qbo_id IS NOT NULL AND synced_hash IS NULL",
            "voided invoice still showing a Synced card": "SELECT document_number FROM status_cards JOIN invoices "
                                                          "ON number = document_number WHERE status = 'voided' "
                                                          "AND state = 'synced'",
            "completed outbox entry without a result": "SELECT requestid FROM outbox WHERE state != 'pending' "
                                                       "AND result IS NULL",
            "payment for an unknown invoice": "SELECT id FROM payments WHERE invoice_number NOT IN "
                                              "(SELECT number FROM invoices)",
            "line of an unknown document": "SELECT id FROM lines WHERE document_number NOT IN "
                                           "(SELECT number FROM invoices UNION SELECT number FROM credit_notes)",
            "card of an unknown document": "SELECT document_number FROM status_cards WHERE document_number NOT IN "
                                           "(SELECT number FROM invoices UNION SELECT number FROM credit_notes)",
        }
        for label, sql in checks.items():
            problems += [f"{label}: {row[0]}" for row in self.all(sql)]
        return problems

    # -- account, numbering ----------------------------------------------------------------------
    def account(self) -> sqlite3.Row | None:
        return self.one("SELECT * FROM account WHERE id = 1")

    def init_account(self, *, region: str, invoice_format: str, credit_note_format: str,
                     adjustment_format: str) -> None:
        with self.transaction():
            self.execute("INSERT OR IGNORE INTO account (id, region, invoice_format, credit_note_format, "
                         "adjustment_format) VALUES (1, ?, ?, ?, ?)",
                         (region, invoice_format, credit_note_format, adjustment_format))
            self.execute("INSERT OR IGNORE INTO connection (id) VALUES (1)")

    def next_sequence(self, kind: str) -> int:
        with self.transaction():
            row = self.one("SELECT next FROM sequences WHERE kind = ?", (kind,))
            value = row[0] if row else 1
            self.execute("INSERT INTO sequences (kind, next) VALUES (?, ?) ON CONFLICT(kind) DO UPDATE SET next = ?",
                         (kind, value + 1, value + 1))
            return int(value)

    def set_next_sequence(self, kind: str, value: int) -> None:
        with self.transaction():
            self.execute("INSERT INTO sequences (kind, next) VALUES (?, ?) ON CONFLICT(kind) DO UPDATE SET next = ?",
                         (kind, value, value))

    # -- connection -------------------------------------------------------------------------------
    def connection(self) -> ConnectionRow:
        row = self.one("SELECT * FROM connection WHERE id = 1")
        return ConnectionRow(row["realm_id"], row["state"], row["access_token"], row["access_expires_at"],
                             row["refresh_token"], row["refresh_expires_at"], _dt(row["connected_at"]),
                             row["pending_state"])

    def update_connection(self, **values: Any) -> None:
        values = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}
        columns = ", ".join(f"{k} = ?" for k in values)
        with self.transaction():
            self.execute(f"UPDATE connection SET {columns} WHERE id = 1", tuple(values.values()))

    # -- clients, tax rates -----------------------------------------------------------------------
    def add_client(self, client: Client) -> None:
        with self.transaction():
            self.execute("INSERT INTO clients (id, full_name, email, address) VALUES (?, ?, ?, ?)",
                         (client.id, client.full_name, client.email, client.address))

    def client(self, client_id: str) -> Client | None:
        row = self.one("SELECT * FROM clients WHERE id = ?", (client_id,))
        return Client(row["id"], row["full_name"], row["email"], row["address"]) if row else None

    def save_tax_rate(self, rate: TaxRate) -> None:
        with self.transaction():
            self.execute("INSERT INTO tax_rates (name, percent, qbo_tax_code_id) VALUES (?, ?, ?) ON CONFLICT(name) "
                         "DO UPDATE SET percent = excluded.percent, qbo_tax_code_id = excluded.qbo_tax_code_id",
                         (rate.name, str(rate.percent), rate.qbo_tax_code_id))

    def tax_rates(self) -> dict[str, TaxRate]:
        return {r["name"]: TaxRate(r["name"], Decimal(r["percent"]), r["qbo_tax_code_id"])
                for r in self.all("SELECT * FROM tax_rates ORDER BY name")}

    # -- documents ---------------------------------------------------------------------------------
    def insert_invoice(self, invoice: Invoice, *, kind: str = "invoice", recreated_from: str | None = None) -> None:
        with self.transaction():
            self.execute(
                "INSERT INTO invoices (number, kind, client_id, status, created_at, issue_date, due_date, tax_mode, "
                "discount_kind, discount_value, recreated_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (invoice.number, kind, invoice.client_id, invoice.status, invoice.created_at.isoformat(),
                 _iso(invoice.issue_date), _iso(invoice.due_date), invoice.tax_mode,
                 invoice.discount.kind if invoice.discount else None,
                 str(invoice.discount.value) if invoice.discount else None, recreated_from))
            self.replace_lines(invoice.number, invoice.lines)

    def insert_credit_note(self, note: CreditNote) -> None:
        with self.transaction():
            self.execute(
                "INSERT INTO credit_notes (number, client_id, invoice_number, created_at, issue_date, tax_mode, "
                "discount_kind, discount_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (note.number, note.client_id, note.invoice_number, note.created_at.isoformat(),
                 _iso(note.issue_date), note.tax_mode, note.discount.kind if note.discount else None,
                 str(note.discount.value) if note.discount else None))
            self.replace_lines(note.number, note.lines)

    def replace_lines(self, number: str, lines: tuple[Line, ...]) -> None:
        with self.transaction():
            self.execute("DELETE FROM lines WHERE document_number = ?", (number,))
            for position, line in enumerate(lines):
                self.execute("INSERT INTO lines (document_number, position, kind, description, quantity, unit_price, "
                             "tax_rate) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (number, position, line.kind, line.description, str(line.quantity),
                              str(line.unit_price), line.tax_rate))

    def lines(self, number: str) -> tuple[Line, ...]:
        return tuple(Line(r["description"], Decimal(r["quantity"]), Decimal(r["unit_price"]), r["kind"], r["tax_rate"],
                          r["id"])
                     for r in self.all("SELECT * FROM lines WHERE document_number = ? ORDER BY position", (number,)))

    def invoice(self, number: str) -> Invoice | None:
        row = self.one("SELECT * FROM invoices WHERE number = ?", (number,))
        if row is None:
            return None
        amounts = [Decimal(r[0]) for r in self.all("SELECT amount FROM payments WHERE invoice_number = ?", (number,))]
        return Invoice(
            number=row["number"], client_id=row["client_id"], created_at=_dt(row["created_at"]),
            lines=self.lines(number), tax_mode=row["tax_mode"], discount=_discount(row),
            issue_date=_d(row["issue_date"]), status=row["status"], due_date=_d(row["due_date"]),
            finalized_at=_dt(row["finalized_at"]), paid=sum(amounts, Decimal(0)), qbo_id=row["qbo_id"],
            qbo_sync_token=row["qbo_sync_token"], qbo_total=_dec(row["qbo_total"]),
            total_mismatch=row["total_mismatch"])

    def invoice_row(self, number: str) -> sqlite3.Row | None:
        return self.one("SELECT * FROM invoices WHERE number = ?", (number,))

    def credit_note(self, number: str) -> CreditNote | None:
        row = self.one("SELECT * FROM credit_notes WHERE number = ?", (number,))
        if row is None:
            return None
        return CreditNote(number=row["number"], client_id=row["client_id"], created_at=_dt(row["created_at"]),
                          lines=self.lines(number), tax_mode=row["tax_mode"], discount=_discount(row),
                          issue_date=_d(row["issue_date"]), invoice_number=row["invoice_number"],
                          qbo_id=row["qbo_id"], qbo_total=_dec(row["qbo_total"]))

    def update_document(self, table: str, number: str, **values: Any) -> None:
        assert table in ("invoices", "credit_notes")
        values = {k: _sql_value(v) for k, v in values.items()}
        columns = ", ".join(f"{k} = ?" for k in values)
        with self.transaction():
            self.execute(f"UPDATE {table} SET {columns} WHERE number = ?", (*values.values(), number))

    def invoice_numbers(self, *, status: str | None = None) -> list[str]:
        if status is None:
            return [r[0] for r in self.all("SELECT number FROM invoices ORDER BY created_at, number")]
        return [r[0] for r in self.all("SELECT number FROM invoices WHERE status = ? ORDER BY created_at, number",
                                       (status,))]

    def invoice_by_qbo_id(self, qbo_id: str) -> str | None:
        row = self.one("SELECT number FROM invoices WHERE qbo_id = ?", (qbo_id,))
        return row[0] if row else None

    def delete_invoice(self, number: str) -> None:
        with self.transaction():
            for sql in ("DELETE FROM lines WHERE document_number = ?", "DELETE FROM status_cards WHERE document_number = ?",
                        "DELETE FROM invoices WHERE number = ?"):
                self.execute(sql, (number,))

    # -- payments ----------------------------------------------------------------------------------
    def add_payment(self, invoice_number: str, amount: Decimal, paid_on: date, *, source: str,
                    qbo_payment_id: str | None = None, now: datetime) -> int:
        with self.transaction():
            cursor = self.execute("INSERT INTO payments (invoice_number, amount, paid_on, source, qbo_payment_id, "
                                  "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                                  (invoice_number, str(amount), paid_on.isoformat(), source, qbo_payment_id,
                                   now.isoformat()))
            return int(cursor.lastrowid or 0)

    def payments(self, invoice_number: str) -> list[Payment]:
        return [Payment(r["id"], r["invoice_number"], Decimal(r["amount"]), date.fromisoformat(r["paid_on"]),
                        r["source"], r["qbo_payment_id"])
                for r in self.all("SELECT * FROM payments WHERE invoice_number = ? ORDER BY id", (invoice_number,))]

    def known_qbo_payment(self, qbo_payment_id: str) -> bool:
        return self.one("SELECT 1 FROM payments WHERE qbo_payment_id = ?", (qbo_payment_id,)) is not None

    # -- QuickBooks mappings -----------------------------------------------------------------------
    def mapping(self, table: str, realm_id: str, key: str) -> str | None:
        column, key_column = {"qbo_customers": ("qbo_customer_id", "client_id"),
                              "qbo_items": ("qbo_item_id", "kind")}[table]
        row = self.one(f"SELECT {column} FROM {table} WHERE realm_id = ? AND {key_column} = ?", (realm_id, key))
        return row[0] if row else None

    def save_mapping(self, table: str, realm_id: str, key: str, qbo_id: str, name: str) -> None:
        column, key_column = {"qbo_customers": ("qbo_customer_id", "client_id"),
                              "qbo_items": ("qbo_item_id", "kind")}[table]
        name_column = "display_name" if table == "qbo_customers" else "name"
        with self.transaction():
            self.execute(f"INSERT OR REPLACE INTO {table} (realm_id, {key_column}, {column}, {name_column}) "
                         "VALUES (?, ?, ?, ?)", (realm_id, key, qbo_id, name))

    # -- outbox ------------------------------------------------------------------------------------
    def add_outbox(self, *, document_number: str | None, operation: str, entity: str, requestid: str, payload: str,
                   now: datetime) -> OutboxRow:
        with self.transaction():
            cursor = self.execute("INSERT INTO outbox (document_number, operation, entity, requestid, payload, "
                                  "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                                  (document_number, operation, entity, requestid, payload, now.isoformat()))
            return OutboxRow(int(cursor.lastrowid or 0), document_number, operation, entity, requestid, payload,
                             "pending", 0)

    def pending_outbox(self, *, document_number: str | None = None, operation: str | None = None) -> list[OutboxRow]:
        sql, params = "SELECT * FROM outbox WHERE state = 'pending'", []
        if document_number is not None:
            sql, params = sql + " AND document_number = ?", [*params, document_number]
        if operation is not None:
            sql, params = sql + " AND operation = ?", [*params, operation]
        return [OutboxRow(r["id"], r["document_number"], r["operation"], r["entity"], r["requestid"], r["payload"],
                          r["state"], r["sent_count"]) for r in self.all(sql + " ORDER BY id", params)]

    def outbox_sent(self, outbox_id: int) -> None:
        self.execute("UPDATE outbox SET sent_count = sent_count + 1 WHERE id = ?", (outbox_id,))

    def finish_outbox(self, outbox_id: int, *, state: str, result: str) -> None:
        with self.transaction():
            self.execute("UPDATE outbox SET state = ?, result = ? WHERE id = ?", (state, result, outbox_id))

    # -- status cards, attempts ---------------------------------------------------------------------
    def card_row(self, number: str) -> sqlite3.Row | None:
        return self.one("SELECT * FROM status_cards WHERE document_number = ?", (number,))

    def save_card(self, number: str, *, state: str, title: str, message: str | None, detail: str | None,
                  code: str | None, intuit_tid: str | None, attempted_at: datetime, retry_available: bool,
                  operation: str, warning: str | None = None, requestid: str | None = None) -> None:
        with self.transaction():
            self.execute("INSERT OR REPLACE INTO status_cards (document_number, state, title, message, detail, code, "
                         "intuit_tid, attempted_at, retry_available, operation, warning) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (number, state, title, message, detail, code, intuit_tid, attempted_at.isoformat(),
                          int(retry_available), operation, warning))
            self.execute("INSERT INTO sync_attempts (document_number, operation, outcome, title, message, detail, code, "
                         "intuit_tid, requestid, attempted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (number, operation, state, title, message, detail, code, intuit_tid, requestid,
                          attempted_at.isoformat()))

    def clear_card(self, number: str) -> None:
        self.execute("DELETE FROM status_cards WHERE document_number = ?", (number,))

    def attempts(self, number: str) -> list[sqlite3.Row]:
        return self.all("SELECT * FROM sync_attempts WHERE document_number = ? ORDER BY id", (number,))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _dec(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _discount(row: sqlite3.Row) -> Discount | None:
    return Discount(row["discount_kind"], Decimal(row["discount_value"])) if row["discount_kind"] else None


def _sql_value(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
