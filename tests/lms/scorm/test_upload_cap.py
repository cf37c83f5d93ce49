"""Page forms in the admin carry SCORM packages, so their requests may be as large as a
package (UPLOAD_MAX_LARGE_REQUEST_SIZE); every other request keeps
UPLOAD_MAX_REQUEST_SIZE (config/uploads.py)."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig

import pytest

from config.uploads import RequestSizeLimitUploadHandler


def test_page_forms_get_the_package_cap_and_others_do_not(settings):
    settings.UPLOAD_MAX_REQUEST_SIZE = 1000
    settings.UPLOAD_MAX_LARGE_REQUEST_SIZE = 5000
    handler = RequestSizeLimitUploadHandler()
    handler.handle_raw_input(None, {"PATH_INFO": "/admin/pages/5/edit/"}, 4000, b"b")
    assert handler.receive_data_chunk(b"x" * 4000, 0)
    with pytest.raises(RequestDataTooBig):
        handler.handle_raw_input(None, {"PATH_INFO": "/admin/pages/5/edit/"}, 6000, b"b")
    with pytest.raises(RequestDataTooBig):
        handler.handle_raw_input(None, {"PATH_INFO": "/kompetensi/riwayat/"}, 4000, b"b")
