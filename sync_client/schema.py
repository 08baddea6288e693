"""The store's schema as ordered migrations; ``schema_version`` records how far a file has come.

A migration is applied in the same transaction that bumps the version, so a store is never
half-migrated. Append new migrations; never edit a released one.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS"]

_V1 = """
CREATE TABLE account (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    region TEXT NOT NULL,
    invoice_format TEXT NOT NULL,
    credit_note_format TEXT NOT NULL,
    adjustment_format TEXT NOT NULL
);
CREATE TABLE sequences (kind TEXT PRIMARY KEY, next INTEGER NOT NULL);

-- one QuickBooks company per Caspen account
CREATE TABLE connection (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    realm_id TEXT,
    state TEXT NOT NULL DEFAULT 'disconnected' CHECK (state IN ('connected', 'expired', 'disconnected')),
    access_token TEXT,
    access_expires_at REAL,
    refresh_token TEXT,
    refresh_expires_at REAL,
    connected_at TEXT,          -- first connection to this realm: what "historical" is measured against
    last_authorized_at TEXT,
    pending_state TEXT,         -- OAuth state of an authorization in progress
    updated_at TEXT
);

CREATE TABLE clients (id TEXT PRIMARY KEY, full_name TEXT NOT NULL, email TEXT, address TEXT);

CREATE TABLE tax_rates (name TEXT PRIMARY KEY, percent TEXT NOT NULL, qbo_tax_code_id TEXT);

CREATE TABLE invoices (
    number TEXT PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'invoice' CHECK (kind IN ('invoice', 'adjustment')),
    client_id TEXT NOT NULL REFERENCES clients(id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'finalized', 'voided')),
    created_at TEXT NOT NULL,
    issue_date TEXT,
    due_date TEXT,
    finalized_at TEXT,
    tax_mode TEXT NOT NULL CHECK (tax_mode IN ('exclusive', 'inclusive', 'none')),
    discount_kind TEXT CHECK (discount_kind IN ('percent', 'fixed')),
    discount_value TEXT,
    subtotal TEXT, discount_total TEXT, tax_total TEXT, total TEXT,
    qbo_id TEXT UNIQUE,
    qbo_sync_token TEXT,
    qbo_total TEXT,
    total_mismatch TEXT,
    synced_hash TEXT,           -- hash of the payload QuickBooks last accepted: update only on change
    recreated_from TEXT
);

CREATE TABLE credit_notes (
    number TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients(id),
    invoice_number TEXT REFERENCES invoices(number),
    created_at TEXT NOT NULL,
    issue_date TEXT,
    tax_mode TEXT NOT NULL,
    discount_kind TEXT, discount_value TEXT,
    subtotal TEXT, discount_total TEXT, tax_total TEXT, total TEXT,
    qbo_id TEXT UNIQUE,
    qbo_total TEXT,
    total_mismatch TEXT
);

CREATE TABLE lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_number TEXT NOT NULL,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('service', 'product')),
    description TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit_price TEXT NOT NULL,
    tax_rate TEXT REFERENCES tax_rates(name)
);
CREATE INDEX lines_document ON lines(document_number, position);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_number TEXT NOT NULL REFERENCES invoices(number),
    amount TEXT NOT NULL,
    paid_on TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('caspen', 'quickbooks')),
    qbo_payment_id TEXT UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE qbo_customers (
    realm_id TEXT NOT NULL, client_id TEXT NOT NULL, qbo_customer_id TEXT NOT NULL, display_name TEXT NOT NULL,
    PRIMARY KEY (realm_id, client_id)
);
CREATE TABLE qbo_items (
    realm_id TEXT NOT NULL, kind TEXT NOT NULL, qbo_item_id TEXT NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY (realm_id, kind)
);

-- the QuickBooks status card of each document (none = no card)
CREATE TABLE status_cards (
    document_number TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('synced', 'failed')),
    title TEXT NOT NULL,
    message TEXT, detail TEXT, code TEXT, intuit_tid TEXT,
    attempted_at TEXT NOT NULL,
    retry_available INTEGER NOT NULL,
    operation TEXT,
    warning TEXT
);
-- every attempt, kept for support: number, exact text, time, code, intuit_tid
CREATE TABLE sync_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_number TEXT NOT NULL,
    operation TEXT NOT NULL,
    outcome TEXT NOT NULL,
    title TEXT, message TEXT, detail TEXT, code TEXT, intuit_tid TEXT, requestid TEXT,
    attempted_at TEXT NOT NULL
);

-- QuickBooks writes, persisted with their requestid BEFORE they are sent
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_number TEXT,
    operation TEXT NOT NULL,
    entity TEXT NOT NULL,
    requestid TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    created_at TEXT NOT NULL,
    sent_count INTEGER NOT NULL DEFAULT 0,
    result TEXT
);
CREATE INDEX outbox_pending ON outbox(state, document_number, operation);
"""

#: (version, SQL) in order; the store applies those above its recorded version
MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, _V1),
)
