"""H5P packages on the separate content origin (settings.LMS_PACKAGE_CONTENT_ORIGIN,
lms.content_origin): the lesson page frames the player there by a signed launch URL and
records the statements itself; the player and the files answer only on the content host,
by unexpired capabilities of the right kind, to people who may read the package.
docs/h5p.md, docs/scorm.md "A separate content origin"."""

from __future__ import annotations

import json
import re

from django.urls import reverse

import pytest

from accounts.roles import Role
from lms.content_origin import H5P_FILES_SALT, H5P_LAUNCH_SALT, LAUNCH_SALT, capability_mint
from lms.models import Enrolment
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

PORTAL = "http://testserver"
CONTENT = "http://konten.testserver"
ON_CONTENT = {"HTTP_HOST": "konten.testserver"}


@pytest.fixture
def content_origin(settings):
    settings.LMS_PACKAGE_CONTENT_ORIGIN = CONTENT
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "konten.testserver"]
    return CONTENT


def _json_script(response, element_id: str) -> dict:
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, element_id
    return json.loads(match.group(1))


def _launch(client, lesson, user) -> tuple[str, dict]:
    client.force_login(user)
    page = client.get(lesson.url)
    html = page.content.decode().replace("&amp;", "&")
    src = re.search(r'id="h5p-frame"[^>]*src="([^"]+)"', html).group(1)
    bridge = _json_script(page, "h5p-bridge-config")
    client.logout()
    assert src.startswith(CONTENT + "/learning/h5p/c/")
    return src[len(CONTENT) :], {"bridge": bridge, "page": page}


def test_lesson_page_frames_the_content_origin_and_records_itself(
    client, content_origin, h5p, enrolled
):
    launch, seen = _launch(client, h5p, enrolled.user)
    assert seen["bridge"] == {
        "contentOrigin": CONTENT,
        "xapiUrl": reverse("h5p:xapi", kwargs={"lesson_id": h5p.pk}),
    }
    assert 'id="h5p-csrf"' in seen["page"].content.decode()
    frame_src = dict(
        part.strip().split(" ", 1) for part in seen["page"]["Content-Security-Policy"].split(";")
    )["frame-src"].split()
    assert CONTENT in frame_src and "'self'" not in frame_src

    player = client.get(launch, **ON_CONTENT)
    assert player.status_code == 200
    assert not player.cookies  # no CSRF cookie: the content origin records nothing
    assert f"frame-ancestors {PORTAL}" in player["Content-Security-Policy"]
    config = _json_script(player, "h5p-player-config")
    assert config["xapiUrl"] is None and config["portalOrigin"] == PORTAL
    assert config["h5pJsonPath"].startswith("/learning/h5p/f/")
    files = client.get(config["h5pJsonPath"] + "/h5p.json", **ON_CONTENT)
    assert files.status_code == 200
    assert json.loads(b"".join(files.streaming_content))["mainLibrary"] == "H5P.PortalQuestion"
    assert f"frame-ancestors 'self' {PORTAL}" in files["Content-Security-Policy"]
    assert client.get(config["h5pJsonPath"] + "/../x", **ON_CONTENT).status_code == 404


def test_capabilities_expire_and_are_bound_to_their_kind_and_user(
    client, content_origin, h5p, enrolled, settings
):
    launch, _seen = _launch(client, h5p, enrolled.user)
    config = _json_script(client.get(launch, **ON_CONTENT), "h5p-player-config")
    files = config["h5pJsonPath"] + "/h5p.json"
    # A SCORM launch capability of the same package id opens no H5P player.
    scorm_kind = capability_mint(
        salt=LAUNCH_SALT, user_id=enrolled.user.pk, package_id=h5p.package.pk, portal_origin=PORTAL
    )
    url = reverse("h5p:content_player", kwargs={"capability": scorm_kind})
    assert client.get(url, **ON_CONTENT).status_code == 404
    # Nor a launch capability files, or a files capability the player.
    files_token = re.match(r"^/learning/h5p/f/([^/]+)/", files).group(1)
    launch_token = launch.split("/")[-2]
    assert client.get(files.replace(files_token, launch_token), **ON_CONTENT).status_code == 404
    url = reverse("h5p:content_player", kwargs={"capability": files_token})
    assert client.get(url, **ON_CONTENT).status_code == 404
    # Another user, who may not read the package.
    outsider = UserFactory(roles=[Role.PESERTA])
    for salt, name, kwargs in (
        (H5P_LAUNCH_SALT, "h5p:content_player", {}),
        (H5P_FILES_SALT, "h5p:content_file", {"path": "h5p.json"}),
    ):
        token = capability_mint(
            salt=salt, user_id=outsider.pk, package_id=h5p.package.pk, portal_origin=PORTAL
        )
        url = reverse(name, kwargs={"capability": token, **kwargs})
        assert client.get(url, **ON_CONTENT).status_code == 404
    # Withdrawn, then expired.
    Enrolment.objects.filter(pk=enrolled.pk).update(status=Enrolment.Status.WITHDRAWN)
    assert client.get(files, **ON_CONTENT).status_code == 404
    Enrolment.objects.filter(pk=enrolled.pk).update(status=Enrolment.Status.ACTIVE)
    assert client.get(files, **ON_CONTENT).status_code == 200
    settings.LMS_PACKAGE_CONTENT_LAUNCH_SECONDS = -1
    settings.LMS_PACKAGE_CONTENT_FILES_SECONDS = -1
    assert client.get(files, **ON_CONTENT).status_code == 404
    assert client.get(launch, **ON_CONTENT).status_code == 404


def test_hosts_keep_apart(client, content_origin, h5p, enrolled):
    client.force_login(enrolled.user)
    same_origin = (
        reverse("h5p:file", kwargs={"token": h5p.package.token, "path": "h5p.json"}),
        reverse("h5p:player", kwargs={"token": h5p.package.token}),
    )
    for url in same_origin:
        assert client.get(url).status_code == 404, url  # the portal no longer serves them
        assert client.get(url, **ON_CONTENT).status_code == 404, url
    assert client.get("/static/vendor/h5p-standalone/nope.js", **ON_CONTENT).status_code != 200
    assert client.get(h5p.url, **ON_CONTENT).status_code == 404
    xapi = reverse("h5p:xapi", kwargs={"lesson_id": h5p.pk})
    assert client.post(xapi, {}, **ON_CONTENT).status_code == 404


def test_trainer_sees_the_content_without_recording(client, content_origin, h5p, trainer):
    launch, seen = _launch(client, h5p, trainer)
    assert seen["bridge"]["xapiUrl"] is None
    assert client.get(launch, **ON_CONTENT).status_code == 200
