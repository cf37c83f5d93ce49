"""The separate content origin of SCORM packages (settings.LMS_PACKAGE_CONTENT_ORIGIN,
lms.content_origin, lms.middleware.PackageContentOriginMiddleware): signed, expiring
capabilities instead of the portal's session, the host checks both ways, and the
policies that let only the portal frame the player. docs/scorm.md."""

from __future__ import annotations

import json
import re

from django.core import signing
from django.urls import reverse

import pytest

from accounts.roles import Role
from lms.content_origin import FILES_SALT, LAUNCH_SALT, capability_mint
from lms.models import Enrolment, ScormAttempt
from tests.factories.accounts import UserFactory
from tests.lms.scorm.conftest import scorm_lesson
from tests.lms.scorm.packages import scorm12_zip

pytestmark = pytest.mark.django_db

PORTAL = "http://testserver"
CONTENT = "http://konten.testserver"
ON_CONTENT = {"HTTP_HOST": "konten.testserver"}


@pytest.fixture
def content_origin(settings):
    settings.LMS_PACKAGE_CONTENT_ORIGIN = CONTENT
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "konten.testserver"]
    return CONTENT


def _player(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="scorm-player-config" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def _path(url: str) -> str:
    assert url.startswith(CONTENT + "/")
    return url[len(CONTENT) :]


def _launch(client, lesson, user) -> str:
    client.force_login(user)
    player = _player(client.get(lesson.url))
    client.logout()  # the content origin never has the portal's session
    return _path(player["launchUrl"])


def _files_url(client, launch_path: str) -> str:
    response = client.get(launch_path, **ON_CONTENT)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<script id="scorm-bridge-config" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])["launchUrl"]


def _files_token(files_url: str) -> str:
    return re.match(r"^/learning/scorm/f/([^/]+)/", files_url).group(1)


def test_lesson_page_frames_the_content_origin_by_a_signed_launch_url(
    client, content_origin, lesson12, enrolled
):
    client.force_login(enrolled.user)
    response = client.get(lesson12.url)
    player = _player(response)
    assert player["contentOrigin"] == CONTENT
    assert player["launchUrl"].startswith(CONTENT + "/learning/scorm/c/")
    assert lesson12.package.token not in player["launchUrl"]  # not the storage token
    # The commit endpoint stays the portal's (CSRF-protected, owner only).
    attempt = ScormAttempt.objects.get(enrolment=enrolled)
    assert player["commitUrl"] == reverse("scorm:commit", kwargs={"uuid": attempt.uuid})
    assert player["cmi"]["core"]["entry"] == "ab-initio"
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    frame_src = directives["frame-src"].split()
    assert CONTENT in frame_src and "'self'" not in frame_src
    html = response.content.decode()
    assert "scorm12.min.js" not in html  # the runtime runs on the content origin


def test_player_page_and_files_on_the_content_origin_without_a_session(
    client, content_origin, lesson12, enrolled
):
    launch = _launch(client, lesson12, enrolled.user)
    response = client.get(launch, **ON_CONTENT)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and not response.cookies
    csp = response["Content-Security-Policy"]
    assert f"frame-ancestors {PORTAL}" in csp and "script-src 'self'" in csp
    assert "unsafe" not in csp
    assert "X-Frame-Options" not in response.headers
    html = response.content.decode()
    assert "vendor/scorm-again/scorm12.min.js" in html and "lms/js/scorm-bridge.js" in html

    files = _files_url(client, launch)
    assert files.endswith("/index.html")
    response = client.get(files, **ON_CONTENT)
    assert response.status_code == 200
    assert b"Standar pelayanan" in b"".join(response.streaming_content)
    csp = response["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {PORTAL}" in csp and "connect-src 'self'" in csp
    assert "X-Frame-Options" not in response.headers
    # A relative load of the package stays under the same capability.
    assert client.get(files.replace("index.html", "nope.js"), **ON_CONTENT).status_code == 404
    for path in ("../x", "%2e%2e/x"):
        assert client.get(files.replace("index.html", path), **ON_CONTENT).status_code == 404


def test_files_capability_is_the_same_within_its_hour_for_the_browser_cache(monkeypatch):
    import time

    from lms.content_origin import FILES_BUCKET_SECONDS, capability_read

    def mint():
        return capability_mint(
            salt=FILES_SALT,
            user_id=1,
            package_id=2,
            portal_origin=PORTAL,
            bucket=FILES_BUCKET_SECONDS,
        )

    hour = 1_800_000_000  # a multiple of 3600
    monkeypatch.setattr(time, "time", lambda: hour + 10)
    first = mint()
    monkeypatch.setattr(time, "time", lambda: hour + 3590)
    assert mint() == first
    assert capability_read(token=first, salt=FILES_SALT, max_age=3600).user_id == 1
    monkeypatch.setattr(time, "time", lambda: hour + 3600)
    assert mint() != first
    assert capability_read(token=first, salt=FILES_SALT, max_age=3599) is None
    # Launch capabilities are not bucketed.
    monkeypatch.setattr(time, "time", lambda: hour + 10)
    launch = capability_mint(salt=LAUNCH_SALT, user_id=1, package_id=2, portal_origin=PORTAL)
    monkeypatch.setattr(time, "time", lambda: hour + 11)
    assert (
        capability_mint(salt=LAUNCH_SALT, user_id=1, package_id=2, portal_origin=PORTAL) != launch
    )


def test_capability_expires(client, content_origin, lesson12, enrolled, settings):
    launch = _launch(client, lesson12, enrolled.user)
    files = _files_url(client, launch)
    settings.LMS_PACKAGE_CONTENT_LAUNCH_SECONDS = -1
    settings.LMS_PACKAGE_CONTENT_FILES_SECONDS = -1
    assert client.get(launch, **ON_CONTENT).status_code == 404
    assert client.get(files, **ON_CONTENT).status_code == 404


def test_capability_is_bound_to_its_kind_user_and_package(
    client, content_origin, lesson12, enrolled, course
):
    launch = _launch(client, lesson12, enrolled.user)
    files = _files_url(client, launch)
    token = _files_token(files)
    # A launch capability does not open files, nor a files capability the player page.
    launch_token = launch.split("/")[-2]
    assert client.get(files.replace(token, launch_token), **ON_CONTENT).status_code == 404
    player = reverse("scorm:content_player", kwargs={"capability": token})
    assert client.get(player, **ON_CONTENT).status_code == 404
    # Altered: another package id under the same signature.
    other = scorm_lesson(course=course, data=scorm12_zip(), title="Modul lain")
    payload, rest = token.split(":", 1)
    data = signing.loads(token, salt=FILES_SALT)
    data["p"] = other.package.pk
    forged_payload = signing.dumps(data, salt=FILES_SALT).split(":", 1)[0]
    forged = f"{forged_payload}:{rest}"
    assert client.get(files.replace(token, forged), **ON_CONTENT).status_code == 404
    # Signed with another key (or salt): nothing.
    bad = signing.dumps(data, salt=FILES_SALT, key="x" * 50)
    assert client.get(files.replace(token, bad), **ON_CONTENT).status_code == 404
    assert client.get(files.replace(token, "x" * 60), **ON_CONTENT).status_code == 404


def test_capability_of_a_user_who_may_not_read_the_package(
    client, content_origin, lesson12, enrolled, course
):
    outsider = UserFactory(roles=[Role.PESERTA])
    for salt in (LAUNCH_SALT, FILES_SALT):
        token = capability_mint(
            salt=salt, user_id=outsider.pk, package_id=lesson12.package.pk, portal_origin=PORTAL
        )
        if salt == LAUNCH_SALT:
            url = reverse("scorm:content_player", kwargs={"capability": token})
        else:
            url = reverse("scorm:content_file", kwargs={"capability": token, "path": "index.html"})
        assert client.get(url, **ON_CONTENT).status_code == 404
    # The learner's own capability stops working when the enrolment stops learning.
    launch = _launch(client, lesson12, enrolled.user)
    files = _files_url(client, launch)
    Enrolment.objects.filter(pk=enrolled.pk).update(status=Enrolment.Status.WITHDRAWN)
    assert client.get(files, **ON_CONTENT).status_code == 404
    assert client.get(launch, **ON_CONTENT).status_code == 404


def test_trainer_gets_the_package_without_recording(client, content_origin, lesson12, trainer):
    client.force_login(trainer)
    player = _player(client.get(lesson12.url))
    assert player["commitUrl"] is None and player["launchUrl"].startswith(CONTENT)
    client.logout()
    files = _files_url(client, _path(player["launchUrl"]))
    assert client.get(files, **ON_CONTENT).status_code == 200


def test_portal_host_refuses_package_files_when_the_setting_is_on(
    client, content_origin, lesson12, enrolled
):
    client.force_login(enrolled.user)
    same_origin = reverse(
        "scorm:file", kwargs={"token": lesson12.package.token, "path": "index.html"}
    )
    response = client.get(same_origin)
    assert response.status_code == 404
    launch = _path(_player(client.get(lesson12.url))["launchUrl"])
    assert client.get(launch).status_code == 404  # the player page: content host only
    files = _files_url(client, launch)
    assert client.get(files).status_code == 404


def test_content_host_refuses_portal_pages(client, content_origin, lesson12, enrolled):
    client.force_login(enrolled.user)  # even with a session cookie sent to it
    assert client.get(lesson12.url).status_code == 200  # on the portal: starts the attempt
    for url in (
        "/",
        lesson12.url,
        reverse("account_login"),
        "/admin/",
        "/static/css/portal.css",
        reverse("scorm:file", kwargs={"token": lesson12.package.token, "path": "index.html"}),
    ):
        response = client.get(url, **ON_CONTENT)
        assert response.status_code == 404, url
        assert response.content == b""
    attempt = ScormAttempt.objects.get(enrolment=enrolled)
    commit = reverse("scorm:commit", kwargs={"uuid": attempt.uuid})
    assert client.post(commit, {}, **ON_CONTENT).status_code == 404


def test_setting_empty_keeps_the_content_routes_closed(client, lesson12, enrolled):
    token = capability_mint(
        salt=LAUNCH_SALT,
        user_id=enrolled.user.pk,
        package_id=lesson12.package.pk,
        portal_origin=PORTAL,
    )
    url = reverse("scorm:content_player", kwargs={"capability": token})
    assert client.get(url).status_code == 404
    client.force_login(enrolled.user)
    player = _player(client.get(lesson12.url))
    assert player["contentOrigin"] is None
    assert player["launchUrl"].startswith("/learning/scorm/p/")


def test_system_check_of_the_content_origin(settings):
    from lms.checks import check_package_content_origin

    assert check_package_content_origin() == []  # off
    settings.LMS_PACKAGE_CONTENT_ORIGIN = CONTENT
    settings.ALLOWED_HOSTS = ["testserver", "konten.testserver"]
    assert check_package_content_origin() == []
    settings.SESSION_COOKIE_DOMAIN = ".testserver"
    settings.ALLOWED_HOSTS = ["testserver"]
    assert {e.id for e in check_package_content_origin()} == {"lms.E007", "lms.E008"}
    settings.SESSION_COOKIE_DOMAIN = None
    settings.LMS_PACKAGE_CONTENT_ORIGIN = "konten.testserver/x"
    assert "lms.E006" in {e.id for e in check_package_content_origin()}


@pytest.mark.parametrize(
    "host", ["konten.testserver.", "KONTEN.testserver:80", "konten.testserver.:80"]
)
def test_content_host_spelled_otherwise_still_refuses_portal_pages(client, content_origin, host):
    """The same host with a trailing dot or its scheme's default port passes
    ALLOWED_HOSTS (Django normalises it there) and names the same server: it must not
    serve the portal on the content host."""
    response = client.get(reverse("account_login"), HTTP_HOST=host)

    assert response.status_code == 404
    assert response.content == b""
