"""python-quickbooks, unmodified: Attachable (notes, files from a path and from bytes, through the library's
own multipart upload) and ``qb.get_report`` (fixtures in conftest.py)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import requests
from quickbooks import QuickBooks
from quickbooks.exceptions import QuickbooksException
from quickbooks.objects.attachable import Attachable
from quickbooks.objects.base import AttachableRef
from quickbooks.objects.customer import Customer
from quickbooks.objects.invoice import Invoice
from quickbooks.objects.vendor import Vendor

from tests.real_clients.conftest import new_invoice

pytestmark = pytest.mark.usefixtures("_plain_http")


@pytest.fixture
def vendor(qb: QuickBooks) -> Vendor:
    created = Vendor()
    created.DisplayName = f"Bolt Supplies {uuid.uuid4().hex[:6]}"
    return created.save(qb=qb)


def linked(target: Vendor | Invoice) -> AttachableRef:
    link = AttachableRef()
    link.EntityRef = target.to_ref()
    return link


def test_note_created_read_and_updated(qb: QuickBooks, vendor: Vendor) -> None:
    note = Attachable()
    note.AttachableRef.append(linked(vendor))
    note.Note = "Quote accepted by phone"
    note.save(qb=qb)
    read = Attachable.get(note.Id, qb=qb)
    assert read.AttachableRef[0].EntityRef.value == vendor.Id
    assert read.Note == "Quote accepted by phone"
    read.Note = "Quote accepted in writing"
    read.save(qb=qb)
    assert Attachable.get(note.Id, qb=qb).Note == "Quote accepted in writing"
    assert [a.Id for a in Attachable.all(qb=qb)] == [note.Id]


def test_file_from_a_path_and_from_bytes(qb: QuickBooks, vendor: Vendor, tmp_path: Path) -> None:
    path = tmp_path / "quote.txt"
    path.write_text("File contents")
    from_path = Attachable()
    from_path.AttachableRef.append(linked(vendor))
    from_path.Note, from_path.FileName, from_path.ContentType = "Sample note", path.name, "text/plain"
    from_path._FilePath = str(path)
    from_path.save(qb=qb)

    from_bytes = Attachable()
    from_bytes.AttachableRef.append(linked(vendor))
    from_bytes.Note, from_bytes.FileName, from_bytes.ContentType = "From bytes", "test.pdf", "application/pdf"
    from_bytes._FileBytes = b"%PDF-1.4 \x00\xff binary"
    from_bytes.save(qb=qb)

    read = Attachable.get(from_path.Id, qb=qb)
    assert (read.Note, read.FileName, int(read.Size), read.ContentType) == \
        ("Sample note", "quote.txt", 13, "text/plain")
    assert requests.get(read.TempDownloadUri, timeout=10).content == b"File contents"
    read = Attachable.get(from_bytes.Id, qb=qb)
    assert read.AttachableRef[0].EntityRef.value == vendor.Id
    assert requests.get(read.TempDownloadUri, timeout=10).content == b"%PDF-1.4 \x00\xff binary"


def test_a_bad_upload_raises_the_library_exception(qb: QuickBooks, vendor: Vendor) -> None:
    bad = Attachable()
    bad.AttachableRef.append(linked(vendor))
    bad.FileName, bad.ContentType = "virus.exe", "application/x-msdownload"
    bad._FileBytes = b"MZ"
    with pytest.raises(QuickbooksException) as raised:
        bad.save(qb=qb)
    assert raised.value.error_code == 6000


def test_get_report(qb: QuickBooks, customer: Customer) -> None:
    new_invoice(customer, f"R-{uuid.uuid4().hex[:6]}", TxnDate="2026-01-15").save(qb=qb)  # 100 + GST 10
    report = qb.get_report("ProfitAndLoss", qs={"start_date": "2026-01-01", "end_date": "2026-01-31"})
    assert report["Header"]["ReportName"] == "ProfitAndLoss"
    net = next(r for r in report["Rows"]["Row"] if r.get("group") == "NetIncome")
    assert net["Summary"]["ColData"][1]["value"] == "100.00"
    aging = qb.get_report("AgedReceivables", qs={"report_date": "2026-01-15"})
    total = aging["Rows"]["Row"][-1]["Summary"]["ColData"]
    assert (total[0]["value"], total[-1]["value"]) == ("TOTAL", "110.00")
    with pytest.raises(QuickbooksException) as raised:
        qb.get_report("ProfitAndLoss", qs={"accounting_method": "Sideways"})
    assert raised.value.error_code == 2170
