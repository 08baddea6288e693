"""Attachable over HTTP: notes, uploads (raw multipart as clients send it), downloads, rules and faults."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
import requests

from tests.conftest import QBOApi, fault_of

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\r\n--not-a-boundary\r\n%%EOF\n"  # binary, with CR/LF inside


def invoice(api: QBOApi) -> dict[str, Any]:
    response = api.post("invoice", api.invoice_body())
    assert response.status_code == 200, response.text
    return response.json()["Invoice"]


def multipart(parts: list[tuple[str, dict[str, str], bytes]], boundary: str = "XyZ-boundary-01",
              newline: bytes = b"\r\n") -> tuple[bytes, str]:
    """A multipart body built by hand, byte for byte: (name, extra headers, content) per part."""
    chunks = []
    for name, headers, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{headers.pop("filename")}"'
                                                      if "filename" in headers else "")
        lines = [f"--{boundary}", f"Content-Disposition: {disposition}",
                 *[f"{k}: {v}" for k, v in headers.items()]]
        chunks.append(newline.join(line.encode() for line in lines) + newline + newline + content + newline)
    return b"".join(chunks) + f"--{boundary}--".encode() + newline, f"multipart/form-data; boundary={boundary}"


def upload(api: QBOApi, body: bytes, content_type: str) -> requests.Response:
    return api.session.post(f"{api.base}/upload", data=body, params={"minorversion": 75},
                            headers={"Content-Type": content_type}, timeout=10)


def test_note_lifecycle(api: QBOApi) -> None:
    target = invoice(api)
    created = api.post("attachable", {"Note": "Signed delivery docket", "AttachableRef": [
        {"EntityRef": {"type": "invoice", "value": target["Id"]}, "IncludeOnSend": "true"}]}).json()["Attachable"]
    assert created["AttachableRef"] == [{"IncludeOnSend": True, "EntityRef": {"type": "Invoice",
                                                                               "value": target["Id"]}}]
    assert (created["SyncToken"], created["domain"], created["sparse"]) == ("0", "QBO", False)
    assert "FileName" not in created and "TempDownloadUri" not in created
    read = api.get(f"attachable/{created['Id']}").json()["Attachable"]
    assert read == created
    sparse = api.post("attachable", {"Id": created["Id"], "SyncToken": "0", "sparse": True, "Note": "Docket v2"})
    assert sparse.json()["Attachable"]["AttachableRef"] == created["AttachableRef"]  # kept by a sparse update
    full = api.post("attachable", {"Id": created["Id"], "SyncToken": "1", "Note": "Docket v3"}).json()["Attachable"]
    assert (full["Note"], full["SyncToken"], "AttachableRef" in full) == ("Docket v3", "2", False)
    stale = api.post("attachable", {"Id": created["Id"], "SyncToken": "1", "Note": "late"})
    assert fault_of(stale)["code"] == "5010"
    found = api.query(f"select * from Attachable where Id = '{created['Id']}'")["Attachable"]
    assert [a["Note"] for a in found] == ["Docket v3"]
    gone = api.post("attachable", {"Id": created["Id"], "SyncToken": "2"}, operation="delete").json()
    assert gone["Attachable"] == {"status": "Deleted", "domain": "QBO", "Id": created["Id"]}
    assert fault_of(api.get(f"attachable/{created['Id']}"))["code"] == "610"


@pytest.mark.parametrize(("body", "code", "element"), [
    ({"Category": "Image"}, "2020", "Note"),
    ({"Note": "x", "AttachableRef": [{"EntityRef": {"type": "Invoice", "value": "9999"}}]}, "2500",
     "AttachableRef.EntityRef"),
    ({"Note": "x", "AttachableRef": [{"EntityRef": {"type": "Preferences", "value": "1"}}]}, "2500",
     "AttachableRef.EntityRef"),
    ({"Note": "x", "Category": "Selfie"}, "2170", "Category"),
    ({"Note": "x" * 2001}, "2050", "Note"),
])
def test_rules(api: QBOApi, body: dict[str, Any], code: str, element: str) -> None:
    response = api.post("attachable", body)
    assert response.status_code == 400
    error = fault_of(response)
    assert (error["code"], error["element"]) == (code, element)


def test_upload_a_file_with_metadata_and_download_it(api: QBOApi) -> None:
    target = invoice(api)
    metadata = (b'{"AttachableRef": [{"EntityRef": {"type": "Invoice", "value": "%s"}}], '
                b'"FileName": "docket.pdf", "ContentType": "application/pdf", "Category": "Document"}'
                % target["Id"].encode())
    body, content_type = multipart([
        ("file_metadata_01", {"Content-Type": "application/json"}, metadata),
        ("file_content_01", {"filename": "docket.pdf", "Content-Type": "application/pdf"}, PDF)])
    response = upload(api, body, content_type)
    assert response.status_code == 200, response.text
    payload = response.json()
    assert set(payload) == {"AttachableResponse", "time"}
    (item,) = payload["AttachableResponse"]
    made = item["Attachable"]
    assert (made["FileName"], made["ContentType"], made["Size"], made["Category"]) == \
        ("docket.pdf", "application/pdf", len(PDF), "Document")
    assert made["FileAccessUri"] == f"/v3/company/{api.realm_id}/download/{made['Id']}"
    assert made["AttachableRef"][0]["EntityRef"] == {"type": "Invoice", "value": target["Id"]}
    served = requests.get(made["TempDownloadUri"], timeout=10)  # no bearer token, like an S3 link
    assert served.status_code == 200 and served.headers["Content-Type"] == "application/pdf"
    assert hashlib.sha256(served.content).digest() == hashlib.sha256(PDF).digest()
    link = api.get(f"download/{made['Id']}")
    assert link.status_code == 200 and link.headers["Content-Type"].startswith("text/plain")
    assert requests.get(link.text, timeout=10).content == PDF
    tampered = made["TempDownloadUri"].replace(made["TempDownloadUri"].split("/")[-2], "wrong-token")
    assert requests.get(tampered, timeout=10).status_code == 404
    # deleting the attachable takes the file with it
    api.post("attachable", {"Id": made["Id"], "SyncToken": made["SyncToken"]}, operation="delete")
    assert requests.get(made["TempDownloadUri"], timeout=10).status_code == 404


def test_upload_as_python_quickbooks_sends_it(api: QBOApi) -> None:
    """LF line ends, a base64 part without a filename, the file name only in the metadata."""
    body, content_type = multipart([
        ("file_metadata_01", {"Content-Type": "application/json"}, b'{"FileName": "notes.txt", "Note": "n",'
                                                                   b' "ContentType": "text/plain"}'),
        ("file_content_01", {"Content-Type": "text/plain", "Content-Transfer-Encoding": "base64"},
         base64.b64encode(b"File contents")),
    ], boundary="-------------PythonMultipartPost", newline=b"\n")
    made = upload(api, b"\n" + body, content_type).json()["AttachableResponse"][0]["Attachable"]
    assert (made["FileName"], made["Size"], made["Note"]) == ("notes.txt", 13, "n")
    assert requests.get(made["TempDownloadUri"], timeout=10).content == b"File contents"


def test_upload_two_files_and_xml_metadata(api: QBOApi) -> None:
    xml = (b'<Attachable xmlns="http://schema.intuit.com/finance/v3"><FileName>a.png</FileName>'
           b'<Tag>scan</Tag></Attachable>')
    body, content_type = multipart([
        ("file_metadata_0", {"Content-Type": "application/xml"}, xml),
        ("file_content_0", {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n"),
        ("file_content_1", {"filename": "b.csv", "Content-Type": "text/csv"}, b"a,b\n1,2\n"),
    ])
    items = upload(api, body, content_type).json()["AttachableResponse"]
    assert [(i["Attachable"]["FileName"], i["Attachable"].get("Tag")) for i in items] == \
        [("a.png", "scan"), ("b.csv", None)]


def test_upload_faults(api: QBOApi) -> None:
    body, content_type = multipart([("file_content_01", {"filename": "run.exe",
                                                         "Content-Type": "application/x-msdownload"}, b"MZ")])
    response = upload(api, body, content_type)
    assert response.status_code == 400
    assert fault_of(response)["code"] == "6000" and "application/x-msdownload" in fault_of(response)["Detail"]
    response = api.post("upload", {"FileName": "a.txt"})  # JSON where multipart is needed
    assert fault_of(response)["Detail"] == "Operation Cannot consume content type is not supported."
    body, content_type = multipart([("file_metadata_01", {"Content-Type": "application/json"}, b"{}")])
    assert fault_of(upload(api, body, content_type))["code"] == "2020"  # metadata without its file
    body, content_type = multipart([("file_content_01", {"Content-Type": "text/plain"}, b"hello")])
    assert fault_of(upload(api, body, content_type))["element"] == "Note"  # no FileName anywhere
    body, content_type = multipart([  # the second file is refused: the first is not kept either
        ("file_content_01", {"filename": "ok.txt", "Content-Type": "text/plain"}, b"fine"),
        ("file_content_02", {"filename": "run.exe", "Content-Type": "application/x-msdownload"}, b"MZ")])
    assert fault_of(upload(api, body, content_type))["code"] == "6000"
    body, content_type = multipart([
        ("file_content_01", {"filename": "ok.txt", "Content-Type": "text/plain"}, b"fine"),
        ("file_content_02", {"Content-Type": "text/plain"}, b"no name")])
    assert fault_of(upload(api, body, content_type))["code"] == "2020"
    assert api.query("select * from Attachable") == {}  # nothing half-stored


def test_download_of_a_note_or_a_missing_attachable_is_610(api: QBOApi) -> None:
    note = api.post("attachable", {"Note": "just a note"}).json()["Attachable"]
    assert fault_of(api.get(f"download/{note['Id']}"))["code"] == "610"
    assert fault_of(api.get("download/424242"))["code"] == "610"


def test_xml_answer(api: QBOApi) -> None:
    note = api.post("attachable", {"Note": "xml please"}).json()["Attachable"]
    response = api.session.get(f"{api.base}/attachable/{note['Id']}", headers={"Accept": "application/xml"},
                               timeout=10)
    assert '<Attachable domain="QBO" sparse="false"><Id>' in response.text
    assert "<Note>xml please</Note>" in response.text


def test_the_documented_query_by_linked_record(api: QBOApi) -> None:
    """Intuit's sample: ``select Id from attachable where AttachableRef.EntityRef.Type = 'purchase' and
    AttachableRef.EntityRef.value = '611'`` -- here for an invoice."""
    first, second = invoice(api), invoice(api)
    for target, note in ((first, "one"), (second, "two")):
        api.post("attachable", {"Note": note, "AttachableRef": [{"EntityRef": {"type": "Invoice",
                                                                              "value": target["Id"]}}]})
    api.post("attachable", {"Note": "unlinked"})
    found = api.query("select Id from attachable where AttachableRef.EntityRef.Type = 'invoice' "
                      f"and AttachableRef.EntityRef.value = '{second['Id']}'")["Attachable"]
    assert [a["Note"] for a in found] == ["two"]
    assert api.query("select * from Attachable where AttachableRef.EntityRef.Type = 'Bill'") == {}


def test_xml_create_as_intuit_documents_it(api: QBOApi) -> None:
    target = invoice(api)
    body = (f'<Attachable xmlns="http://schema.intuit.com/finance/v3" domain="QBO" sparse="false">'
            f'<Lat>25.293112341223</Lat><Long>-21.3253249834</Long><Note>This is an attached note.</Note>'
            f'<Tag>Create Attachable with Note</Tag><PlaceName>Mountain View</PlaceName>'
            f'<AttachableRef><EntityRef type="Invoice">{target["Id"]}</EntityRef>'
            f'<IncludeOnSend>true</IncludeOnSend></AttachableRef></Attachable>')
    response = api.session.post(f"{api.base}/attachable", data=body.encode(), timeout=10,
                                headers={"Content-Type": "application/xml", "Accept": "application/xml"})
    assert response.status_code == 200, response.text
    text = response.text
    assert f'<AttachableRef><IncludeOnSend>true</IncludeOnSend><EntityRef type="Invoice">{target["Id"]}' \
           f'</EntityRef></AttachableRef>' in text
    assert "<PlaceName>Mountain View</PlaceName>" in text and "<Lat>25.293112341223</Lat>" in text


def test_uploads_take_more_than_other_calls_but_not_without_limit(qbo_sim_app: Any) -> None:
    """QBO takes 100 MB per upload request; other calls keep the simulator's body limit (10 MB)."""
    qbo_sim_app.config.update(MAX_CONTENT_LENGTH=1000, UPLOAD_MAX_CONTENT_LENGTH=5000)
    sim = qbo_sim_app.extensions["qbo_simulator"]
    realm = next(iter(sim.companies))
    http = qbo_sim_app.test_client()
    headers = {"Authorization": f"Bearer {sim.oauth.connect(realm)['access_token']}", "Accept": "application/json"}
    bodies = [multipart([("file_content_01", {"filename": "a.pdf", "Content-Type": "application/pdf"}, b"x" * n)])
              for n in (3000, 6000)]
    fits = http.post(f"/v3/company/{realm}/upload", data=bodies[0][0],
                     headers={**headers, "Content-Type": bodies[0][1]})
    assert fits.status_code == 200 and fits.json["AttachableResponse"][0]["Attachable"]["Size"] == 3000
    over = http.post(f"/v3/company/{realm}/upload", data=bodies[1][0],
                     headers={**headers, "Content-Type": bodies[1][1]})
    assert over.status_code == 413 and "limit of 5000 bytes" in over.json["Fault"]["Error"][0]["Detail"]
    note = http.post(f"/v3/company/{realm}/attachable", json={"Note": "y" * 1500}, headers=headers)
    assert note.status_code == 413 and "limit of 1000 bytes" in note.json["Fault"]["Error"][0]["Detail"]
