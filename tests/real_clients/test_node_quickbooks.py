"""node-quickbooks (2.x), unmodified, against the running simulator over HTTP (invoice sync; reports and upload).

The test uses the node-quickbooks that ``.ci/run`` installs into the project-local ``.node/`` folder
(``npm install --prefix .node node-quickbooks@2``; ``QBO_SIM_NODE_MODULES`` names another
``node_modules``); without it, it installs node-quickbooks with npm into a temporary directory once per
session. It writes a small script that drives it (refresh through ``QuickBooks.TOKEN_URL``, create an invoice, find it
by DocNumber, sparse update, void, PDF, a 6140 duplicate, revoke through ``QuickBooks.REVOKE_URL``)
and prints one JSON document that the assertions below read. node-quickbooks has no exception
mapping, so the assertions are about the wire: HTTP status, ``Fault.type``, ``Fault.Error[0].code``
as a string and the ``intuit_tid`` response header.

Skipped, with the reason, when node or npm is missing or the npm registry cannot be reached; under
``CI=true`` each of those is a failure instead (tests/prerequisites.py).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from simulator.backends import DEFAULT_CLIENT
from simulator.testing import SimulatorHandle
from tests.prerequisites import in_ci, missing

NODE_QUICKBOOKS = "node-quickbooks@2"
ROOT = Path(__file__).resolve().parents[2]
#: where .ci/run installs it (gitignored)
LOCAL_MODULES = Path(os.environ.get("QBO_SIM_NODE_MODULES") or ROOT / ".node" / "node_modules")
INSTALL_TIMEOUT = 60
SCRIPT_TIMEOUT = 30

# The overrides real-clients.md describes: three statics, plus ``endpoint`` on the instance (the
# constructor copied V3_ENDPOINT_BASE_URL already). setOauthVersion('2.0') is NOT called: it would
# fetch Intuit's discovery document over the internet.
SCRIPT = r"""
const QuickBooks = require('node-quickbooks');
const cfg = JSON.parse(process.env.QBO_SIM_CONFIG);

QuickBooks.V3_ENDPOINT_BASE_URL = cfg.base + '/v3/company/';
QuickBooks.TOKEN_URL = cfg.base + '/oauth2/v1/tokens/bearer';
QuickBooks.REVOKE_URL = cfg.base + '/v2/oauth2/tokens/revoke';

function client(accessToken, refreshToken) {
  const qbo = new QuickBooks(cfg.clientId, cfg.clientSecret, accessToken, false, cfg.realmId,
                             true /* useSandbox */, false /* debug */, 75, '2.0', refreshToken);
  qbo.endpoint = QuickBooks.V3_ENDPOINT_BASE_URL;
  return qbo;
}

// every node-quickbooks call as a promise of {err, body, res}
const call = (fn, ...args) =>
  new Promise(resolve => fn(...args, (err, body, res) => resolve({err, body, res})));

function wire(outcome) {  // what a caller can see of an answer, success or failure
  const res = outcome.res || (outcome.err && outcome.err.response);
  const data = res ? res.data : outcome.body;
  const fault = data && data.Fault;
  return {
    ok: !outcome.err,
    status: res ? res.status : null,
    intuit_tid: res ? res.headers['intuit_tid'] || null : null,
    fault_type: fault ? fault.type : null,
    code: fault ? fault.Error[0].code : null,
    code_type: fault ? typeof fault.Error[0].code : null,
    message: fault ? fault.Error[0].Message : null,
    detail: fault ? fault.Error[0].Detail : null,
    gateway: data && data.fault ? data.fault : null,
  };
}

const line = (amount, taxCode) => ({
  DetailType: 'SalesItemLineDetail', Amount: amount, Description: 'Plumbing services',
  SalesItemLineDetail: {ItemRef: {value: '1'}, TaxCodeRef: {value: taxCode}},
});

(async () => {
  const out = {};
  const qbo = client(cfg.accessToken, cfg.refreshToken);

  const refreshed = await call(qbo.refreshAccessToken.bind(qbo));
  out.refresh = {ok: !refreshed.err, expires_in: refreshed.body && refreshed.body.expires_in,
                 rotated: qbo.token !== cfg.accessToken};

  const invoice = {CustomerRef: {value: cfg.customerId}, DocNumber: cfg.docNumber, Line: [line(100, '5')]};
  const created = await call(qbo.createInvoice.bind(qbo), invoice);
  const made = created.body || {};
  out.create = {...wire(created), id: made.Id, total: made.TotalAmt, sync_token: made.SyncToken};

  const found = await call(qbo.findInvoices.bind(qbo), {DocNumber: cfg.docNumber});
  const rows = (found.body && found.body.QueryResponse && found.body.QueryResponse.Invoice) || [];
  out.find = {ok: !found.err, ids: rows.map(r => r.Id),
              max_results: found.body && found.body.QueryResponse.maxResults};

  const read = await call(qbo.getInvoice.bind(qbo), out.create.id);
  const updated = await call(qbo.updateInvoice.bind(qbo),
                             {Id: read.body.Id, SyncToken: read.body.SyncToken, PrivateNote: 'from node'});
  const changed = updated.body || {};
  out.update = {...wire(updated), sync_token: changed.SyncToken, note: changed.PrivateNote,
                lines: changed.Line && changed.Line.length};

  const pdf = await call(qbo.getInvoicePdf.bind(qbo), out.create.id);
  out.pdf = {ok: !pdf.err, magic: pdf.body ? Buffer.from(pdf.body).subarray(0, 4).toString('latin1') : null,
             content_type: pdf.res ? pdf.res.headers['content-type'] : null};

  const twin = {CustomerRef: {value: cfg.customerId}, DocNumber: cfg.docNumber, Line: [line(5, '5')]};
  const duplicate = await call(qbo.createInvoice.bind(qbo), twin);
  out.duplicate = wire(duplicate);

  const empty = await call(qbo.createInvoice.bind(qbo), {CustomerRef: {value: cfg.customerId}, Line: []});
  out.required = wire(empty);

  // issue 14: several problems come back in one Fault.Error list
  const several = await call(qbo.createInvoice.bind(qbo), {Line: [], BillEmail: {Address: 'Kim Carpenter'}});
  const severalData = several.err && several.err.response ? several.err.response.data : several.body;
  out.several = {...wire(several),
                 codes: severalData && severalData.Fault ? severalData.Fault.Error.map(e => e.code) : null};

  const voided = await call(qbo.voidInvoice.bind(qbo), out.create.id);  // reads, then posts the whole entity
  out.void = {...wire(voided), total: voided.body && voided.body.Invoice && voided.body.Invoice.TotalAmt,
              note: voided.body && voided.body.Invoice && voided.body.Invoice.PrivateNote};

  const token = qbo.token;
  const revoked = await call(qbo.revokeAccess.bind(qbo), true);
  out.revoke = {ok: !revoked.err, status: revoked.body ? revoked.body.status : null};
  const after = await call(client(token, null).getInvoice.bind(client(token, null)), out.create.id);
  out.after_revoke = wire(after);

  process.stdout.write(JSON.stringify(out));
})().catch(err => { console.error(err && err.stack || err); process.exit(2); });
"""


@pytest.fixture(scope="session")
def node_quickbooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``drive.js`` and a ``node_modules`` holding node-quickbooks (a link to .node's)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node:
        missing("node is needed for the node-quickbooks tests (not on PATH; apt-get install nodejs npm)")
    workdir = tmp_path_factory.mktemp("node-quickbooks")
    (workdir / "drive.js").write_text(SCRIPT)
    if (LOCAL_MODULES / "node-quickbooks").is_dir():
        (workdir / "node_modules").symlink_to(LOCAL_MODULES, target_is_directory=True)
        return workdir
    if in_ci():
        missing(f"node-quickbooks is not installed in {LOCAL_MODULES} (.ci/run: npm install --prefix .node "
                f"{NODE_QUICKBOOKS})")
    if not npm:
        missing("npm is needed to install node-quickbooks (not on PATH; apt-get install npm)")
    try:
        installed = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error", "--fetch-retries=1",
             "--fetch-retry-mintimeout=1000", "--fetch-retry-maxtimeout=2000", "--fetch-timeout=20000",
             NODE_QUICKBOOKS],
            cwd=workdir, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    except subprocess.TimeoutExpired:
        missing(f"npm install {NODE_QUICKBOOKS} took over {INSTALL_TIMEOUT} s (registry unreachable?)")
    if installed.returncode != 0 or not (workdir / "node_modules" / "node-quickbooks").is_dir():
        reason = " ".join((installed.stderr or installed.stdout or f"exit {installed.returncode}").split())
        missing(f"npm install {NODE_QUICKBOOKS} failed: {reason[:300]}")
    return workdir


def run_script(workdir: Path, config: dict[str, Any]) -> dict[str, Any]:
    env = {**os.environ, "QBO_SIM_CONFIG": json.dumps(config), "NODE_ENV": "production"}
    done = subprocess.run(["node", "drive.js"], cwd=workdir, env=env, capture_output=True, text=True,
                          timeout=SCRIPT_TIMEOUT)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_node_quickbooks_invoice_sync(node_quickbooks: Path, qbo_sim: SimulatorHandle,
                                      qbo_company: str) -> None:
    tokens = qbo_sim.connect(qbo_company)
    customer = qbo_sim.records(qbo_company, "Customer")[0]
    number = f"N-{uuid.uuid4().hex[:8].upper()}"
    before = {r["Id"] for r in qbo_sim.records(qbo_company, "Invoice")}

    out = run_script(node_quickbooks, {
        "base": qbo_sim.base_url, "realmId": qbo_company, "clientId": DEFAULT_CLIENT["client_id"],
        "clientSecret": DEFAULT_CLIENT["client_secret"], "accessToken": tokens["access_token"],
        "refreshToken": tokens["refresh_token"], "customerId": customer["Id"], "docNumber": number})

    assert out["refresh"] == {"ok": True, "expires_in": 3600, "rotated": True}

    create = out["create"]
    assert create["ok"] and create["status"] == 200 and create["intuit_tid"]
    assert create["total"] == 110 and create["sync_token"] == "0"
    invoice_id = create["id"]

    assert out["find"] == {"ok": True, "ids": [invoice_id], "max_results": 1}

    update = out["update"]  # node-quickbooks posts ?operation=update with sparse: true added
    assert update["ok"], update
    assert update["sync_token"] == "1" and update["note"] == "from node" and update["lines"] == 2

    assert out["pdf"]["ok"] and out["pdf"]["magic"] == "%PDF"
    assert out["pdf"]["content_type"].startswith("application/pdf")

    duplicate = out["duplicate"]
    assert duplicate["ok"] is False
    assert duplicate["status"] == 400
    assert duplicate["fault_type"] == "ValidationFault"
    assert duplicate["code"] == "6140" and duplicate["code_type"] == "string"
    assert duplicate["message"] == "Duplicate Document Number Error"
    assert duplicate["detail"].endswith(
        f"DocNumber={number} is assigned to TxnType=Invoice with TxnId={invoice_id}")
    assert duplicate["intuit_tid"] and duplicate["intuit_tid"] != create["intuit_tid"]

    required = out["required"]
    assert (required["status"], required["fault_type"], required["code"]) == (400, "ValidationFault", "2020")
    assert required["detail"] == "Required parameter Line is missing in the request"

    several = out["several"]
    assert (several["ok"], several["status"], several["codes"]) == (False, 400, ["6560", "2020", "2210"])

    void = out["void"]  # node-quickbooks posts the whole invoice it read: every property must be known
    assert void["ok"], void
    assert void["total"] == 0 and void["note"].startswith("Voided")

    assert out["revoke"] == {"ok": True, "status": 200}
    after = out["after_revoke"]
    assert after["status"] == 401 and after["intuit_tid"]
    assert after["gateway"]["type"] == "AUTHENTICATION" and after["gateway"]["error"][0]["code"] == "3200"

    # state: exactly one new invoice (the failures wrote nothing), voided
    added = [r for r in qbo_sim.records(qbo_company, "Invoice") if r["Id"] not in before]
    assert [(r["Id"], r["DocNumber"], r["TotalAmt"]) for r in added] == [(invoice_id, number, 0)]


# -- reports and attachments ----------------------------------------------------------------------------
REPORTS_SCRIPT = r"""
const QuickBooks = require('node-quickbooks');
const cfg = JSON.parse(process.env.QBO_SIM_CONFIG);
QuickBooks.V3_ENDPOINT_BASE_URL = cfg.base + '/v3/company/';
const qbo = new QuickBooks(cfg.clientId, cfg.clientSecret, cfg.accessToken, false, cfg.realmId,
                           true, false, 75, '2.0', cfg.refreshToken);
qbo.endpoint = QuickBooks.V3_ENDPOINT_BASE_URL;
const call = (fn, ...args) => new Promise(resolve => fn(...args, (err, body) => resolve({err, body})));
const { Readable } = require('stream');

(async () => {
  const out = {};
  const period = {start_date: '2026-01-01', end_date: '2026-01-31'};
  for (const [name, fn, options] of [
      ['pnl', qbo.reportProfitAndLoss, period], ['bs', qbo.reportBalanceSheet, period],
      ['tb', qbo.reportTrialBalance, period], ['aging', qbo.reportAgedReceivables, {report_date: '2026-01-31'}],
      ['balance', qbo.reportCustomerBalance, {report_date: '2026-01-31'}],
      ['bad', qbo.reportProfitAndLoss, {date_macro: 'Someday'}]]) {
    const got = await call(fn.bind(qbo), options);
    out[name] = got.err ? {error: (got.err.response && got.err.response.data) || String(got.err)} : got.body;
  }
  const uploaded = await call(qbo.upload.bind(qbo), 'docket.pdf', 'application/pdf',
                              Readable.from([Buffer.from(cfg.fileBase64, 'base64')]), 'Invoice', cfg.invoiceId);
  out.upload = uploaded.err ? {error: String(uploaded.err)} : uploaded.body;
  process.stdout.write(JSON.stringify(out));
})().catch(err => { console.error(err && err.stack || err); process.exit(2); });
"""
DOCKET = b"%PDF-1.4\n\x00\x01\x02\xff binary docket\n%%EOF\n"


def summary(report: dict[str, Any], group: str) -> list[str]:
    row = next(r for r in report["Rows"]["Row"] if r.get("group") == group)
    return [c["value"] for c in row["Summary"]["ColData"]]


def test_node_quickbooks_reports_and_upload(node_quickbooks: Path, qbo_sim: SimulatorHandle,
                                            qbo_company: str) -> None:
    """Its report calls and its file upload: numbers against books made here (200 + GST 20, half paid)."""
    tokens = qbo_sim.connect(qbo_company)
    customer = qbo_sim.records(qbo_company, "Customer")[0]
    invoice = qbo_sim.user_creates_invoice(qbo_company, customer=customer["DisplayName"], TxnDate="2026-01-10",
                                           lines=[{"DetailType": "SalesItemLineDetail", "Amount": 200,
                                                   "SalesItemLineDetail": {"ItemRef": {"value": "1"},
                                                                           "TaxCodeRef": {"value": "5"}}}])
    paid = requests.post(f"{qbo_sim.api_base}/company/{qbo_company}/payment", timeout=10,
                         headers={"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"},
                         json={"CustomerRef": {"value": customer["Id"]}, "TxnDate": "2026-01-20", "TotalAmt": 110,
                               "Line": [{"Amount": 110, "LinkedTxn": [{"TxnId": invoice["Id"],
                                                                       "TxnType": "Invoice"}]}]})
    assert paid.status_code == 200, paid.text
    (node_quickbooks / "reports.js").write_text(REPORTS_SCRIPT)
    config = {"base": qbo_sim.base_url, "realmId": qbo_company, "clientId": DEFAULT_CLIENT["client_id"],
              "clientSecret": DEFAULT_CLIENT["client_secret"], "accessToken": tokens["access_token"],
              "refreshToken": tokens["refresh_token"], "invoiceId": invoice["Id"],
              "fileBase64": base64.b64encode(DOCKET).decode()}
    env = {**os.environ, "QBO_SIM_CONFIG": json.dumps(config), "NODE_ENV": "production"}
    done = subprocess.run(["node", "reports.js"], cwd=node_quickbooks, env=env, capture_output=True, text=True,
                          timeout=SCRIPT_TIMEOUT)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)

    assert summary(out["pnl"], "NetIncome") == ["Net Income", "200.00"]
    assert summary(out["bs"], "TotalAssets") == ["TOTAL ASSETS", "220.00"]  # 110 A/R + 110 undeposited
    assert summary(out["tb"], "GrandTotal") == ["TOTAL", "220.00", "220.00"]
    assert summary(out["aging"], "GrandTotal")[-1] == "110.00"
    assert summary(out["balance"], "GrandTotal") == ["TOTAL", "110.00"]
    assert out["bad"]["error"]["Fault"]["Error"][0]["code"] == "2170"

    attachable = out["upload"]  # node-quickbooks links the upload with an update and unwraps the answer
    assert attachable["SyncToken"] == "1" and attachable["FileName"] == "docket.pdf"
    assert attachable["AttachableRef"][0]["EntityRef"] == {"type": "Invoice", "value": invoice["Id"]}
    stored = qbo_sim.record(qbo_company, "Attachable", attachable["Id"])["record"]
    assert (stored["FileName"], stored["Size"], stored["ContentType"]) == ("docket.pdf", len(DOCKET), "application/pdf")
