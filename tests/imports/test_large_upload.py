"""A file above the 4 MB every other form is limited to, below the import's 10 MB."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.conftest import csrf_token
from tests.imports.files import csv_bytes


def test_a_file_of_five_megabytes_is_taken(client, login) -> None:
    login("samordnare")
    row = ["2024-03-15", "Försäkringskassan", "Långa handläggningstider", "x" * 150, "", "", "", ""]
    data = csv_bytes([row] * 28_000)
    assert 4 * 1024 * 1024 < len(data) < 10 * 1024 * 1024
    # encoded here, so the test client sends bytes (it would spool a large form to a file)
    boundary, body = encode_multipart(
        MultiDict(
            {
                "csrf_token": csrf_token(client, "/import/"),
                "file": FileStorage(io.BytesIO(data), "stor.csv"),
            }
        )
    )
    resp = client.post(
        "/import/", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "28000 förekomster att importera" in page
