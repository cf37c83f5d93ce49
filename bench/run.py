"""`make bench`: measures the portal against the targets in ../shared/PRODUCT.md on
PostgreSQL with the scale data set, and writes bench/results.json and bench/RESULTS.md.

It uses its own database (BENCH_DATABASE_URL, default asn_bench on the local PostgreSQL),
creating and seeding it when missing, and the production settings profile.

Each measurement is a function registered with @measure; add one per page or job as
features arrive. Server time is measured in-process around the Django test client
(median and p95 over repeated runs after warm-up); HTTP load runs wrk against gunicorn.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_JSON = ROOT / "bench" / "results.json"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/asn_bench"
GUNICORN_PORT = 8077


@dataclass
class Result:
    name: str
    value: float
    unit: str
    target: str = ""
    met: bool | None = None
    detail: dict = field(default_factory=dict)


MEASURES: list[tuple[str, Callable[[], list[Result]]]] = []


def measure(name: str):
    def register(fn):
        MEASURES.append((name, fn))
        return fn

    return register


def _environment(database_url: str) -> dict[str, str]:
    static_root = ROOT / "var" / "bench-static"
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12"),
        "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{GUNICORN_PORT}",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(static_root),
        "MFA_REQUIRED_ROLES": "",
        "DJANGO_LOG_LEVEL": "WARNING",
        "API_THROTTLE_RATE": "100000/hour",  # the bench's own repeated API calls
        # A throw-away credential-signing key of the bench's own (production requires one).
        "LMS_CREDENTIAL_SIGNING_KEY_FILE": str(ROOT / "var" / "keys" / "bench-signing.pem"),
        "LMS_CREDENTIAL_SIGNING_KEY_AUTOCREATE": "1",
        # Certificates are signed (PAdES) with a throw-away demo PKI of the bench's own,
        # created before the worker starts (certificates_through_celery).
        "LMS_PDF_SIGNER": "local",
        "LMS_PDF_SIGNER_PKCS12_FILE": str(
            ROOT / "var" / "keys" / "bench-pdf-signing" / "signer.p12"
        ),
        "LMS_PDF_SIGNER_PKCS12_PASSPHRASE": "demo-bkpsdm",
        "LMS_PDF_SIGNING_AUTOMATIC": "1",
    }


def _ensure_database(database_url: str) -> bool:
    """Creates the bench database if missing. Returns True when it was created."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def _timed(fn: Callable[[], object], *, runs: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# MEASUREMENTS ------------------------------------------------------------------------------


def _learner():
    from competencies.models import Employee

    return (
        Employee.objects.filter(user__email__endswith="@scale.bontang.example")
        .select_related("user")
        .order_by("pk")[123]
        .user
    )


def _hr():
    from accounts.models import User

    return User.objects.get(email="sdm@demo.bontang.example")


def _scale_course():
    from lms.models import CoursePage

    return CoursePage.objects.filter(slug="skala-001").first()


def _course_child(kind: str) -> str:
    from lms.models import LessonPage, QuizPage

    course = _scale_course()
    if course is None:
        return ""
    model = LessonPage if kind == "lesson" else QuizPage
    child = model.objects.child_of(course).order_by("path").first()
    return child.url if child else ""


def _scale_learner_on_course():
    """A scale learner enrolled (active) on the first scale course, for its pages."""
    from lms.models import Enrolment

    course = _scale_course()
    enrolment = (
        Enrolment.objects.filter(course=course, status=Enrolment.Status.ACTIVE)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return enrolment.user if enrolment else _learner()


def _catalogue_url() -> str:
    from lms.models import CourseIndexPage

    index = CourseIndexPage.objects.first()
    return index.url if index else ""


def _api_user():
    """A "Layanan API" account (the role the REST API requires)."""
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role

    user, _created = User.objects.get_or_create(email="api-bench@demo.bontang.example")
    role = getattr(Role, "LAYANAN_API", None)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def _reverse(name: str, *, query: str = "") -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name) + query
    except NoReverseMatch:
        return ""


def _resolves(url: str) -> str:
    from django.urls import Resolver404, resolve

    try:
        resolve(url)
    except Resolver404:
        return ""
    return url


def _pages() -> list[
    tuple[str, Callable[[], str], Callable[[], object] | None, int | None, float | None]
]:
    """(name, url factory, user factory or None for anonymous, query target, p95 target ms).
    A URL factory returning "" means the page does not exist (yet): reported as skipped."""
    return [
        ("home page", lambda: "/", None, 10, 150),
        ("sign-in page", lambda: "/accounts/login/", None, 10, 150),
        ("learner dashboard", lambda: _reverse("lms:dashboard"), _learner, 10, 150),
        ("catalogue", _catalogue_url, _learner, 10, 150),
        ("course page", lambda: _scale_course().url, _scale_learner_on_course, 10, 150),
        ("lesson page", lambda: _course_child("lesson"), _scale_learner_on_course, 10, 150),
        ("quiz page", lambda: _course_child("quiz"), _scale_learner_on_course, 10, 150),
        ("competency profile", lambda: "/kompetensi/profil/", _learner, 10, 150),
        ("training history", lambda: "/kompetensi/riwayat/", _learner, 10, 150),
        # HR reports read the summary tables (issue 23 item 6; docs/performance.md, "Summary
        # tables"): ≤ 10 queries is the issue's target; ten are the Wagtail admin's own.
        ("HR gap heat-map (10,000 employees)", lambda: "/admin/kompetensi/kesenjangan/", _hr, 10, 300),
        ("HR JP compliance report, one page (10,000 employees, 1,000,000 enrolments)",
         lambda: "/admin/kompetensi/kepatuhan-jp/", _hr, 10, 300),
        ("HR training-needs report", lambda: _reverse("lms_training_needs"), _hr, 10, 300),
        ("API: employees list", lambda: _resolves("/api/v1/employees/"), _api_user, None, None),
        ("API: training records list", lambda: _resolves("/api/v1/training-records/"), _api_user, None, None),
        ("API: certificates list", lambda: _resolves("/api/v1/certificates/"), _api_user, None, None),
    ]  # fmt: skip


# Issue 23 item 6: the HR reports' median, besides PRODUCT.md's p95 above.
HR_MEDIAN_TARGET_MS = 100
HR_REPORTS = ("HR gap heat-map", "HR JP compliance report", "HR training-needs report")


@measure("pages")
def pages() -> list[Result]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results = []
    for name, url_factory, user_factory, query_target, ms_target in _pages():
        url = url_factory()
        if not url:
            results.append(Result(name, float("nan"), "ms", detail={"skipped": "no such URL yet"}))
            continue
        client = Client()
        if user_factory:
            user = user_factory()
            if url.startswith("/api/"):
                # The API reads hashed tokens (accounts.api), not DRF's authtoken table.
                from accounts.api import api_token_issue

                client.defaults["HTTP_AUTHORIZATION"] = f"Token {api_token_issue(user=user)}"
            else:
                client.force_login(user)
        response = client.get(url)
        if response.status_code != 200:
            results.append(
                Result(name, float("nan"), "ms", detail={"url": url, "error": response.status_code})
            )
            continue
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # Read now: every later request resets Django's query log.
        query_count = len(queries)
        times = _timed(lambda c=client, u=url: c.get(u), runs=30)
        p95 = _p95(times)
        met = None
        if ms_target is not None:
            met = p95 <= ms_target and (query_target is None or query_count <= query_target)
        if query_target is not None:
            print(f"  {name}: {query_count} queries, p95 {p95:.1f} ms", flush=True)
        results.append(
            Result(
                name=f"{name}: server time p95",
                value=round(p95, 1),
                unit="ms",
                target=(
                    f"≤ {ms_target} ms" + (f", ≤ {query_target} queries" if query_target else "")
                )
                if ms_target
                else "",
                met=met,
                detail={
                    "url": url,
                    "median_ms": round(statistics.median(times), 1),
                    "queries": query_count,
                },
            )
        )
        if name.startswith(HR_REPORTS):
            median = statistics.median(times)
            results.append(
                Result(f"{name}: server time median", round(median, 1), "ms",
                       f"≤ {HR_MEDIAN_TARGET_MS} ms, ≤ 10 queries (issue 23)",
                       median <= HR_MEDIAN_TARGET_MS and query_count <= 10,
                       detail={"url": url, "queries": query_count})
            )  # fmt: skip
    return results


# FLOOR RATIOS (issue 23) ----------------------------------------------------------------

# ≤ this many times the floor page's in-process median (issue 23, "Targets" 1).
FLOOR_TARGETS = {
    "course page": 1.5, "lesson page": 1.5, "quiz page": 1.5,
    "learner dashboard": 1.8, "catalogue": 2.0,
}  # fmt: skip
FLOOR_SLUG = "bench-floor"
HTTP_CONNECTIONS = 8


def _floor_url() -> str:
    """The floor: a trivial Wagtail page with a rich-text body (a news item; the portal's
    own chrome, Wagtail's default routing), created here in the bench database only. It
    exists in no other database, so it is never reachable in production."""
    from django.utils import timezone

    from lms.models.pages import HomePage, NewsIndexPage, NewsPage

    page = NewsPage.objects.filter(slug=FLOOR_SLUG).first()
    if page is None:
        index = NewsIndexPage.objects.first()
        if index is None:
            home = HomePage.objects.first()
            if home is None:
                return ""
            index = home.add_child(instance=NewsIndexPage(title="Berita", slug="berita"))
        body = "".join(
            f"<p>Paragraf {i} halaman dasar pengukuran, <b>teks kaya</b>.</p>" for i in range(5)
        )
        page = index.add_child(instance=NewsPage(
            title="Halaman dasar (bench)", slug=FLOOR_SLUG, date=timezone.localdate(), body=body,
        ))  # fmt: skip
    return page.url


def _floor_pages() -> list[tuple[str, str, Callable[[], object]]]:
    """(name, URL, user factory): the floor first, then the learner pages it is compared to."""
    user = _scale_learner_on_course
    return [
        ("floor: trivial Wagtail page, signed in", _floor_url(), user),
        ("course page", _scale_course().url, user),
        ("lesson page", _course_child("lesson"), user),
        ("quiz page", _course_child("quiz"), user),
        ("learner dashboard", _reverse("lms:dashboard"), user),
        ("catalogue", _catalogue_url(), user),
    ]


def _http_rate(url: str, cookie: str, *, seconds: float) -> tuple[float, int]:
    """Requests per second over HTTP with HTTP_CONNECTIONS keep-alive connections firing
    back-to-back for `seconds` (wrk when installed, else threads of http.client); and
    the number of non-200 answers."""
    import http.client
    import threading

    if shutil.which("wrk"):
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", str(HTTP_CONNECTIONS), "-d", f"{int(seconds)}s",
             "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{GUNICORN_PORT}{url}"],
            capture_output=True, text=True, timeout=seconds + 60,
        ).stdout  # fmt: skip
        rate = next((r for r in out.splitlines() if r.startswith("Requests/sec:")), "")
        bad = next((r for r in out.splitlines() if "Non-2xx" in r), "")
        return float(rate.split()[-1]) if rate else float("nan"), int(bad.split()[-1]) if bad else 0

    counts, errors = [0] * HTTP_CONNECTIONS, [0] * HTTP_CONNECTIONS
    deadline = time.monotonic() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", GUNICORN_PORT, timeout=30)
        while time.monotonic() < deadline:
            try:
                conn.request("GET", url, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                counts[i] += 1
                errors[i] += response.status != 200
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", GUNICORN_PORT, timeout=30)
        conn.close()

    start = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(HTTP_CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - start), sum(errors)


@measure("floor ratios")
def floor_ratios() -> list[Result]:
    """Issue 23: every learner page's in-process median as a ratio to a floor page served
    in the same process and run (rounds alternate between the pages, so that a slow
    moment of the shared machine falls on all of them), then req/s over HTTP at
    HTTP_CONNECTIONS connections through gunicorn, also as a ratio to the floor."""
    from django.conf import settings
    from django.test import Client

    pages = [(name, url, factory) for name, url, factory in _floor_pages() if url]
    if not pages or not pages[0][0].startswith("floor"):
        return [Result("floor ratios", float("nan"), "", detail={"skipped": "no floor page"})]
    clients = []
    for name, url, factory in pages:
        client = Client()
        client.force_login(factory())
        for _ in range(3):  # warm: the per-process and shared caches
            status = client.get(url).status_code
        if status != 200:
            return [
                Result(
                    f"floor ratios: {name}", float("nan"), "", detail={"url": url, "error": status}
                )
            ]
        clients.append(client)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries: dict[str, int] = {}
    for (name, url, _f), client in zip(pages, clients, strict=True):
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries[name] = len(captured)
    rounds = int(os.environ.get("BENCH_FLOOR_ROUNDS", 40))
    times: dict[str, list[float]] = {name: [] for name, _url, _f in pages}
    for _ in range(rounds):
        for (name, url, _f), client in zip(pages, clients, strict=True):
            start = time.perf_counter()
            client.get(url)
            times[name].append((time.perf_counter() - start) * 1000)
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor_name = pages[0][0]
    floor = medians[floor_name]

    rates: dict[str, tuple[float, int]] = {}
    seconds = float(os.environ.get("BENCH_HTTP_SECONDS", 8))
    cookie_of = {
        name: f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        for (name, _url, _f), client in zip(pages, clients, strict=True)
    }
    server = _gunicorn()
    try:
        _wait_until_serving()
        for name, url, _f in pages:
            _http_rate(url, cookie_of[name], seconds=1)  # warm every worker
            rates[name] = _http_rate(url, cookie_of[name], seconds=seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    floor_rate = rates[floor_name][0]

    results = [
        Result(f"{floor_name}: server time median", round(floor, 1), "ms",
               detail={"url": pages[0][1], "p95_ms": round(_p95(times[floor_name]), 1),
                       "queries": queries[floor_name],
                       f"req/s at {HTTP_CONNECTIONS} connections": round(floor_rate, 1),
                       "non-200": rates[floor_name][1]}),
    ]  # fmt: skip
    for name, url, _f in pages[1:]:
        ratio = medians[name] / floor
        target = FLOOR_TARGETS.get(name)
        rate, bad = rates[name]
        results.append(
            Result(
                f"{name}: median ÷ floor median (in-process)",
                round(ratio, 2),
                "×",
                target=f"≤ {target}×" if target else "",
                met=(ratio <= target and bad == 0) if target else None,
                detail={
                    "url": url,
                    "median_ms": round(medians[name], 1),
                    "floor_median_ms": round(floor, 1),
                    "queries": queries[name],
                    f"req/s at {HTTP_CONNECTIONS} connections": round(rate, 1),
                    "req/s ÷ floor req/s": round(rate / floor_rate, 2) if floor_rate else None,
                    "non-200": bad,
                },
            )
        )
        print(f"  {name}: {ratio:.2f}× the floor ({medians[name]:.1f} / {floor:.1f} ms), "
              f"{rate:.1f} req/s", flush=True)  # fmt: skip
    return results


@measure("certificate PDFs")
def certificate_pdfs() -> list[Result]:
    from lms.pdf import CertificateData, render_certificate

    def data(i: int) -> CertificateData:
        return CertificateData(
            number=f"{i:05d}/BKPSDM-BTG/2026",
            holder_name=f"Dr. Rina Lestari {i}, S.Sos., M.Si.",
            holder_nip="19920315 201903 2 001",
            course_title="Pelayanan Prima dan Nilai Dasar BerAKHLAK bagi ASN",
            jp=12,
            completed_on=datetime.date(2026, 11, 20),
            issued_on=datetime.date(2026, 11, 21),
            verify_url=f"https://diklat.bontangkota.go.id/verify/{secrets.token_urlsafe(16)}/",
            agency_name="Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
            government_name="Pemerintah Kota Bontang",
            signer_name="Nama Penandatangan",
            signer_nip="19750101 200003 1 001",
            signer_title="Kepala BKPSDM Kota Bontang",
            place="Bontang",
            competencies=(("Pelayanan Publik", 2), ("Integritas", 2)),
        )

    payloads = [data(i) for i in range(400)]
    render_certificate(payloads[0])
    start = time.perf_counter()
    for payload in payloads:
        render_certificate(payload)
    rate = len(payloads) / (time.perf_counter() - start)
    return [
        Result(
            "certificate PDFs per second (one core)", round(rate, 1), "PDF/s", "≥ 80", rate >= 80
        )
    ]


def _bench_pki(*, crl: bool) -> dict[str, str]:
    """The bench's throw-away demo PKI (made again when an older one lacks its CRL), and
    the worker's signing settings: the local signer, with the demo CRL (PAdES B-LT) when
    `crl`."""
    from django.conf import settings

    from lms.signing import demo_pki

    signer = Path(settings.LMS_PDF_SIGNER_PKCS12_FILE)
    files = demo_pki.demo_pki_create(directory=signer.parent, signer_file=signer.name)
    if not files.crl.exists():
        files = demo_pki.demo_pki_create(
            directory=signer.parent, signer_file=signer.name, overwrite=True
        )
    return {
        "LMS_PDF_SIGNER": "local",
        "LMS_PDF_SIGNING_AUTOMATIC": "1",
        "LMS_PDF_SIGNING_CRL_FILES": str(files.crl) if crl else "",
    }


def _certificate_count() -> int:
    # BENCH_CERTIFICATES: fewer for a quick run of one step (the targets scale with it).
    return int(os.environ.get("BENCH_CERTIFICATES", 0)) or 1000


def _certificates_through_celery(
    name: str, *, signing: dict[str, str], seconds_per_1000: float
) -> list[Result]:
    """`count` completed enrolments of a fresh course, each issued by
    lms.tasks.certificate_issue in a real Celery worker (cores + 1 processes, production
    settings, Redis broker, `signing` settings): the time from queueing the first task to
    the last certificate issued with its PDF stored (and signed, when signing is on)."""
    from django.utils import timezone

    from accounts.models import Notification
    from competencies.models import Employee
    from config.celery import app
    from lms.models import Certificate, CourseIndexPage, CoursePage, Enrolment
    from lms.tasks import certificate_issue

    count = _certificate_count()
    signed_wanted = bool(signing.get("LMS_PDF_SIGNER"))
    # Cores + 1 processes, like gunicorn: a task waits on PostgreSQL commits part of the
    # time, so one more process than cores keeps them busy; two per core measured slower
    # and noisier on 2 cores (bench/NOTES.md). BENCH_CELERY_PROCESSES overrides it.
    workers = int(os.environ.get("BENCH_CELERY_PROCESSES", 0)) or (os.cpu_count() or 1) + 1
    index = CourseIndexPage.objects.first()
    if index is None:
        return [Result(name, float("nan"), "", detail={"skipped": "no catalogue"})]
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    # A queue of this run's own: another bench's worker on the same broker takes none.
    queue = f"bench-certificates-{stamp}"
    course = index.add_child(instance=CoursePage(
        title=f"Bench sertifikat {stamp}", slug=f"bench-sertifikat-{stamp}", summary="Bench.",
        jp_hours=4, certificate_enabled=True, evaluation_required=False,
    ))  # fmt: skip
    users = list(
        Employee.objects.filter(user__is_active=True)
        .order_by("pk")
        .values_list("user_id", flat=True)[:count]
    )
    now = timezone.now()
    Enrolment.objects.bulk_create([
        Enrolment(user_id=user_id, course=course, course_title=course.title, status=Enrolment.Status.COMPLETED,
                  source=Enrolment.Source.ADMIN, enrolled_at=now, completed_at=now, jp_earned=4,
                  progress_percent=100)
        for user_id in users
    ])  # fmt: skip
    ids = list(Enrolment.objects.filter(course=course).values_list("pk", flat=True))

    # Tasks done: the notice is a task's last write (after the PDF and the record). Counted
    # among the notices newer than this point only (a primary-key range, not a JSON filter
    # over all of them): the polling shares the CPUs with the worker it measures.
    first_new = (Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    def finished() -> int:
        return Notification.objects.filter(
            pk__gte=first_new, kind="certificate_issued", params__course=course.title
        ).count()

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--loglevel", "warning",
         "--concurrency", str(workers), "--without-gossip", "--without-mingle",
         "-n", f"bench-{stamp}@%h"],
        cwd=ROOT, env=os.environ.copy() | signing,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[f"bench-{stamp}@{platform.node()}"], timeout=1):
            if time.monotonic() > deadline or worker.poll() is not None:
                return [Result(name, float("nan"), "", detail={"error": "worker did not start"})]
        start = time.perf_counter()
        for enrolment_id in ids:
            certificate_issue.apply_async(args=[enrolment_id], queue=queue)
        while finished() < len(ids):
            # Three times the target, and at least a minute (a small run's worker warm-up).
            if time.perf_counter() - start > max(60, 3 * seconds_per_1000 * len(ids) / 1000):
                break
            time.sleep(0.25)
        elapsed = time.perf_counter() - start
        done = finished()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    sequences = sorted(
        Certificate.objects.filter(enrolment__course=course).values_list("sequence", flat=True)
    )
    gap_free = bool(sequences) and sequences == list(
        range(sequences[0], sequences[0] + len(sequences))
    )
    signed = Certificate.objects.filter(enrolment__course=course, signed_at__isnull=False).count()
    target = round(seconds_per_1000 * len(ids) / 1000, 1)
    all_done = done == len(ids) and (signed == len(ids) if signed_wanted else signed == 0)
    what = "issued and signed" if signed_wanted else "issued (unsigned)"
    return [
        Result(f"{len(ids):,} certificates {what} by Celery", round(elapsed, 2), "s",
               f"≤ {target:g} s", all_done and elapsed <= target,
               detail={"issued": done, "signed": signed, "worker_processes": workers,
                       "numbers_gap_free": gap_free,
                       "profile": ("PAdES B-LT (demo CRL embedded)"
                                   if signing.get("LMS_PDF_SIGNING_CRL_FILES")
                                   else "PAdES B-B" if signed_wanted else "unsigned")}),
    ]  # fmt: skip


@measure("certificates through Celery")
def certificates_through_celery() -> list[Result]:
    """Issuing without signatures (issue 19: "today unsigned ≤ 30 s"), the baseline the
    signed step is compared with."""
    return _certificates_through_celery(
        "certificates through Celery", signing={"LMS_PDF_SIGNER": ""}, seconds_per_1000=30
    )


@measure("certificates signed through Celery")
def certificates_signed_through_celery() -> list[Result]:
    """Issue 19's target: 1,000 certificates issued and signed with the local signer
    (PAdES B-LT with the demo CRL: the signer's certificate checked against it, the CRL
    embedded) through a real Celery worker in ≤ 60 s. BENCH_SIGNING_CRL=0: B-B."""
    crl = os.environ.get("BENCH_SIGNING_CRL", "1") != "0"
    return _certificates_through_celery(
        "certificates signed through Celery", signing=_bench_pki(crl=crl), seconds_per_1000=60
    )


@measure("verify page PDF check")
def verify_pdf_check() -> list[Result]:
    """The public verify page's "Dokumen PDF" for a stored, signed (B-LT) certificate:
    GET /verify/<code>/pdf/ reads the stored PDF and runs pyHanko's validator on it.
    Server time in-process (median, p95 over 30 runs), target ≤ 300 ms (issue 19)."""
    from django.test import Client, override_settings
    from django.urls import reverse
    from django.utils import timezone

    from competencies.models import Employee
    from lms import signing
    from lms.models import CourseIndexPage, CoursePage, Enrolment
    from lms.services.certificate_pdfs import certificate_pdf_bytes
    from lms.services.certificates import certificate_issue
    from lms.signing.validation import pdf_signature_check

    name = "verify page: PDF check of a stored certificate"
    index = CourseIndexPage.objects.first()
    user_id = Employee.objects.filter(user__is_active=True).values_list("user_id", flat=True)[:1]
    if index is None or not user_id:
        return [Result(name, float("nan"), "", detail={"skipped": "no catalogue"})]
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    course = index.add_child(instance=CoursePage(
        title=f"Bench verifikasi {stamp}", slug=f"bench-verifikasi-{stamp}", summary="Bench.",
        jp_hours=4, certificate_enabled=True, evaluation_required=False,
    ))  # fmt: skip
    now = timezone.now()
    enrolment = Enrolment.objects.create(
        user_id=user_id[0], course=course, course_title=course.title,
        status=Enrolment.Status.COMPLETED, source=Enrolment.Source.ADMIN, enrolled_at=now,
        completed_at=now, jp_earned=4, progress_percent=100,
    )  # fmt: skip
    pki = _bench_pki(crl=True)
    # Many checks from one address: the page's rate limit (30 a minute) would answer 429.
    with override_settings(
        LMS_PDF_SIGNING_CRL_FILES=[pki["LMS_PDF_SIGNING_CRL_FILES"]],
        LMS_PDF_SIGNING_AUTOMATIC=True,
        LMS_VERIFY_RATE="100000/m",
    ):
        signing.reset()
        certificate = certificate_issue(enrolment_id=enrolment.pk)
        certificate.refresh_from_db()
        client = Client()
        url = reverse("verify:pdf", args=[certificate.code])
        response = client.get(url)
        check = pdf_signature_check(certificate_pdf_bytes(certificate=certificate))
        if certificate.signed_at is None or response.status_code != 200 or not check.valid:
            return [
                Result(name, float("nan"), "ms", detail={
                    "error": certificate.signing_error or f"status {response.status_code}",
                })
            ]  # fmt: skip
        times = _timed(lambda: client.get(url), runs=30)
    signing.reset()
    p95 = _p95(times)
    return [
        Result(f"{name}: server time p95", round(p95, 1), "ms", "≤ 300 ms", p95 <= 300,
               detail={"url": url, "median_ms": round(statistics.median(times), 1),
                       "ltv": check.revocation_confirmed}),
    ]  # fmt: skip


@measure("xAPI statements to the LRS")
def xapi_statements_to_lrs() -> list[Result]:
    """BENCH_XAPI_COUNT (1,000) statements waiting in the xAPI outbox, sent by
    lms.tasks.xapi_statements_deliver in a real Celery worker (production settings, Redis
    broker) to a real Ralph LRS (var/ralph-venv, `make ralph`; file-system backend): the
    time from queueing the task to the last statement marked sent, then checked back in
    the LRS (GET /xAPI/statements)."""
    from django.utils import timezone

    from config.celery import app
    from lms.models import CoursePage, XapiStatement
    from lms.tasks import xapi_statements_deliver
    from lms.xapi.statements import Activity, agent_account, pseudonym, statement_build
    from tests.lms.xapi.ralph_server import RalphNotAvailable, ralph_start

    name = "xAPI statements to the LRS"
    count, queue = int(os.environ.get("BENCH_XAPI_COUNT", 1000)), "bench-xapi"
    base = f"http://127.0.0.1:{GUNICORN_PORT}"
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    course = CoursePage.objects.live().first()
    activity = Activity(
        id=f"{base}{course.url if course else '/bench/'}", type="course", name="Bench"
    )
    now = timezone.now()
    rows = []
    for i in range(count):
        statement = statement_build(
            base_url=base, key=f"bench:{stamp}:{i}",
            actor=agent_account(home_page=base, name=pseudonym(secret=stamp, user_id=i)),
            verb="registered", activity=activity, when=now, language="id-ID", platform="bench",
        )  # fmt: skip
        rows.append(XapiStatement(id=statement["id"], verb="registered", statement=statement,
                                  created_at=now, next_try_at=now))  # fmt: skip
    XapiStatement.objects.bulk_create(rows)
    ids = [row.pk for row in rows]

    with tempfile.TemporaryDirectory(prefix="bench-ralph-") as directory:
        try:
            ralph = ralph_start(Path(directory))
        except RalphNotAvailable as error:
            return [Result(name, float("nan"), "", detail={"skipped": str(error)})]
        env = {**os.environ, "XAPI_LRS_ENDPOINT": ralph.endpoint, "XAPI_LRS_KEY": ralph.key,
               "XAPI_LRS_SECRET": ralph.secret}  # fmt: skip
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--loglevel",
             "warning", "--concurrency", "1", "--without-gossip", "--without-mingle",
             "-n", f"bench-xapi-{stamp}@%h"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not app.control.ping(destination=[f"bench-xapi-{stamp}@{platform.node()}"],
                                       timeout=1):  # fmt: skip
                if time.monotonic() > deadline or worker.poll() is not None:
                    return [
                        Result(name, float("nan"), "", detail={"error": "worker did not start"})
                    ]
            start = time.perf_counter()
            xapi_statements_deliver.apply_async(queue=queue)
            sent = 0
            while sent < count and time.perf_counter() - start < 120:
                time.sleep(0.1)
                sent = XapiStatement.objects.filter(
                    pk__in=ids, status=XapiStatement.Status.SENT
                ).count()
            elapsed = time.perf_counter() - start
            in_lrs = len({s["id"] for s in ralph.statements()} & {str(i) for i in ids})
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
            ralph.stop()
    return [
        Result(f"{count:,} xAPI statements delivered to the LRS by the worker", round(elapsed, 2),
               "s", "≤ 30 s", sent == count and in_lrs == count and elapsed <= 30,
               detail={"sent": sent, "in_lrs": in_lrs, "lrs": "Ralph 5.1.0 (fs backend)"}),
    ]  # fmt: skip


@measure("gap selectors")
def gap_selectors() -> list[Result]:
    from django.utils import timezone

    from competencies.models import OrgUnit
    from competencies.selectors.gaps import (
        competency_gaps_for_employee,
        gap_heatmap,
        unit_gap_summary,
    )

    employee = _learner().employee
    agency = OrgUnit.objects.filter(depth=1, code__startswith="SC").first()
    results = []
    today = timezone.localdate()
    for name, fn in (
        ("gaps for one employee", lambda: competency_gaps_for_employee(employee=employee)),
        ("gap summary for one perangkat daerah", lambda: unit_gap_summary(unit=agency)),
        ("gap heat-map, whole organisation", lambda: gap_heatmap()),
        # The same heat-map computed by the rule instead of read from the table (as_of).
        ("gap heat-map, whole organisation, computed", lambda: gap_heatmap(as_of=today)),
    ):
        times = _timed(fn, runs=10)
        results.append(
            Result(
                f"{name}: p95",
                round(_p95(times), 1),
                "ms",
                detail={"median_ms": round(statistics.median(times), 1)},
            )
        )
    return results


IMPORT_DOMAIN = "import.bontang.example"


def _imported_employees_remove() -> None:
    """Takes the employees (and accounts) of the import measure away again, so that every
    run measures the same data set (10,000 scale employees) and imports new people."""
    from django.db import transaction

    from accounts.models import User
    from competencies.models import Employee

    with transaction.atomic():
        Employee.objects.filter(user__email__endswith=f"@{IMPORT_DOMAIN}").delete()
        User.objects.filter(email__endswith=f"@{IMPORT_DOMAIN}").delete()


@measure("employee import")
def employee_import() -> list[Result]:
    """A 10,000-row XLSX of new employees: dry run, real import (accounts created,
    invitations queued), then the same file again (a no-op). Target: ≤ 60 s, all or
    nothing. The imported people are removed afterwards (and before, after a run that
    stopped half-way)."""
    import tablib

    from competencies.imports.employees import employees_import
    from competencies.models import OrgUnit, Position

    unit = OrgUnit.objects.filter(code__startswith="SC").order_by("path").first()
    position = Position.objects.filter(code__startswith="SC-").order_by("code").first()
    data = tablib.Dataset(
        headers=["nip", "name", "email", "unit_code", "position_code", "golongan"]
    )
    for n in range(10_000):
        day = datetime.date(1960, 1, 1) + datetime.timedelta(days=n)
        nip = f"{day:%Y%m%d}{day.year + 25}011{n % 999 + 1:03d}"  # a valid PNS NIP
        data.append([nip, f"Pegawai Impor {n:05d}", f"impor{n:05d}@{IMPORT_DOMAIN}",
                     unit.code, position.code, "III/a"])  # fmt: skip
    _imported_employees_remove()
    content = data.export("xlsx")
    results = []
    for label, dry_run in (("dry run", True), ("import", False), ("re-import (no-op)", False)):
        start = time.perf_counter()
        report = employees_import(
            data=content, filename="pegawai.xlsx", actor=None, dry_run=dry_run
        )
        seconds = time.perf_counter() - start
        results.append(
            Result(
                f"10,000-row XLSX employee {label}",
                round(seconds, 1),
                "s",
                "≤ 60 s",
                seconds <= 60 and report.ok,
                detail={
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "errors": len(report.errors),
                },
            )  # fmt: skip
        )
    _imported_employees_remove()
    return results


@measure("bulk assignment")
def bulk_assignment() -> list[Result]:
    """Assign one course to the ~10,000 scale employees (recipients, enrolments and
    in-app notices; e-mails are only queued), then the same again (must add nothing)."""
    from accounts.models import Notification
    from competencies.models import Employee, OrgUnit
    from lms.models import Assignment, AssignmentRecipient, CourseIndexPage, CoursePage, Enrolment
    from lms.services.assignments import assignment_apply, assignment_create

    hr = _hr()
    course = CoursePage.objects.filter(slug="bench-penugasan-massal").first()
    if course is None:
        index = CourseIndexPage.objects.first()
        course = index.add_child(
            instance=CoursePage(
                title="Bench: penugasan massal",
                slug="bench-penugasan-massal",
                summary="Kursus untuk mengukur penugasan massal.",
            )
        )
    # Start clean, so the first run really creates 10,000 of everything.
    old = Assignment.objects.filter(course=course)
    for pk in old.values_list("pk", flat=True):
        Notification.objects.filter(dedupe_key__startswith=f"assignment:{pk}:").delete()
    AssignmentRecipient.objects.filter(assignment__in=old).delete()
    old.delete()
    Enrolment.objects.filter(course=course).delete()

    units = list(OrgUnit.objects.filter(depth=1, code__startswith="SC"))
    people = Employee.objects.filter(is_active=True, unit__code__startswith="SC").count()
    start = time.perf_counter()
    assignment = assignment_create(
        actor=hr,
        course=course,
        target_type=Assignment.Target.UNITS,
        units=units,
        due_days=30,
        reason="bench",
    )
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = assignment_apply(assignment=assignment)
    second = time.perf_counter() - start
    created = assignment.recipients.count()
    return [
        Result(
            f"assign one course to {created:,} employees",
            round(first, 2),
            "s",
            target="≤ 1 s (issue 23; PRODUCT.md ≤ 2 s)",
            met=first <= 1.0,
            detail={
                "active_employees": people,
                "notices": Notification.objects.filter(
                    dedupe_key__startswith=f"assignment:{assignment.pk}:"
                ).count(),
            },
        ),
        Result(
            "the same assignment again (idempotent)",
            round(second, 2),
            "s",
            detail={"added_withdrawn": list(again)},
            met=again == (0, 0),
        ),
    ]


@measure("HTTP saturation (wrk)")
def http_load() -> list[Result]:
    """Secondary figure: 20 closed-loop wrk connections with no think time (a saturation
    test: it measures queueing on two cores, not what 20 people see)."""
    from django.conf import settings
    from django.test import Client

    if not shutil.which("wrk"):
        return [
            Result(
                "HTTP load",
                float("nan"),
                "",
                detail={"skipped": "wrk not installed (apt-get install wrk)"},
            )
        ]
    from competencies.models import Employee

    users = [
        e.user
        for e in Employee.objects.filter(user__email__endswith="@scale.bontang.example")
        .select_related("user")
        .order_by("pk")[:40]
    ]
    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        cookies.append(
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    paths = ["/", "/kompetensi/profil/", "/kompetensi/riwayat/"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            "local cookies = {" + ",".join(f'"{c}"' for c in cookies) + "}\n"
            "local paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
            "local n = 0\n"
            "request = function()\n"
            "  n = n + 1\n"
            "  wrk.headers['Cookie'] = cookies[(n % #cookies) + 1]\n"
            "  return wrk.format('GET', paths[(n % #paths) + 1])\n"
            "end\n"
            "done = function(summary, latency, requests)\n"
            '  io.write(string.format(\'JSON{"p50":%d,"p95":%d,"p99":%d,"requests":%d,"errors":%d,"non2xx":%d}\\n\',\n'
            "    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,\n"
            "    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))\n"
            "end\n"
        )
    gunicorn = _gunicorn()
    try:
        _wait_until_serving()
        duration = 20
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", "20", "-d", f"{duration}s", "--latency", "-s", script.name,
             f"http://127.0.0.1:{GUNICORN_PORT}"],
            capture_output=True, text=True, timeout=duration + 60,
        ).stdout  # fmt: skip
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        os.unlink(script.name)
    line = next((row for row in out.splitlines() if row.startswith("JSON")), None)
    if line is None:
        return [Result("HTTP load", float("nan"), "", detail={"error": out[-2000:]})]
    stats = json.loads(line[4:])
    p95 = stats["p95"] / 1000
    return [
        Result("HTTP saturation: p95 with 20 wrk connections, no think time", round(p95, 1), "ms",
               "≤ 300 ms (issue 23)", stats["requests"] > 0 and p95 <= 300 and stats["errors"] == 0,
               detail={"p50_ms": stats["p50"] / 1000, "p99_ms": stats["p99"] / 1000,
                       "requests_per_second": round(stats["requests"] / duration, 1),
                       "errors": stats["errors"], "non_2xx": stats["non2xx"], "paths": paths}),
    ]  # fmt: skip


@measure("compliance XLSX export")
def compliance_xlsx_export() -> list[Result]:
    """The whole JP compliance report (every active employee) as XLSX, streamed: the time
    to the last byte through the Django test client."""
    from django.test import Client

    client = Client()
    client.force_login(_hr())
    start = time.perf_counter()
    response = client.get(
        "/admin/kompetensi/kepatuhan-jp/", {"export": "xlsx", "all_employees": "on"}
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    seconds = time.perf_counter() - start
    from competencies.models import Employee

    rows = Employee.objects.filter(is_active=True).count()
    ok = response.status_code == 200 and body[:2] == b"PK"
    return [
        Result(f"JP compliance XLSX export ({rows:,} employees)", round(seconds, 2), "s", "≤ 2 s",
               ok and seconds <= 2,
               detail={"bytes": len(body), "streamed": response.streaming, "status": response.status_code}),
    ]  # fmt: skip


def _learner_profiles(count: int) -> list[dict]:
    """Distinct signed-in scale learners, each with an active enrolment: session cookie and
    the URLs of their course, one of its lessons and its quiz."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from lms.models import Enrolment, LessonPage, QuizPage

    profiles = []
    seen: set[int] = set()
    enrolments = (
        Enrolment.objects.filter(
            status=Enrolment.Status.ACTIVE,
            course__slug__startswith="skala-",
            user__email__endswith="@scale.bontang.example",
        )
        .select_related("user", "course")
        .order_by("pk")
    )
    for enrolment in enrolments.iterator(chunk_size=500):
        if enrolment.user_id in seen:
            continue
        seen.add(enrolment.user_id)
        course = enrolment.course
        lesson = LessonPage.objects.child_of(course).order_by("path").first()
        quiz = QuizPage.objects.child_of(course).first()
        client = Client()
        client.force_login(enrolment.user)
        profiles.append({
            "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
            "dashboard": reverse("lms:dashboard"), "catalogue": _catalogue_url(),
            "course": course.url, "lesson": lesson.url if lesson else course.url,
            "quiz": quiz.url if quiz else course.url, "profile": "/kompetensi/profil/",
        })  # fmt: skip
        if len(profiles) >= count:
            break
    return profiles


def _gunicorn() -> subprocess.Popen:
    """The production server sized for two cores: 3 gthread workers (cores + 1) with 2
    threads each. A request spends part of its time waiting on PostgreSQL, so a second
    thread per process keeps the CPU busy without the memory of more processes; more
    workers than this only adds context switches on a machine that also runs PostgreSQL
    and the load generator. Keep-alive 5 s, longer than the learners' 1–3 s think time:
    with gunicorn's default of 2 s it closes idle connections just as a learner's next
    request is on its way, which the client sees as a reset (two "HTTP 0" errors in a
    run); in production the reverse proxy holds the browsers' connections."""
    workers = (os.cpu_count() or 1) + 1
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{GUNICORN_PORT}",
         "--workers", str(workers), "--threads", "2", "--worker-class", "gthread", "--keep-alive", "5",
         "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(),
    )  # fmt: skip


def _wait_until_serving(*, timeout: float = 180, warm: int = 12) -> None:
    """Waits until gunicorn answers, then sends a few requests so that every worker has
    imported the project before the measure starts (a fixed sleep was not enough on the
    loaded shared machine: wrk then counted no request at all, and locust's p95 held the
    workers' start-up)."""
    import http.client

    deadline = time.monotonic() + timeout
    answered = 0
    while time.monotonic() < deadline and answered < warm:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", GUNICORN_PORT, timeout=60)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            answered += 1
        except OSError:
            time.sleep(0.5)


@measure("HTTP load (locust)")
def http_load_locust() -> list[Result]:
    """20 concurrent signed-in learners (locust headless, 1–3 s think time, a mix of the
    learner pages) through gunicorn with the production profile, for 60 s."""
    import csv

    users, duration = 20, 60
    profiles = _learner_profiles(users)
    if not profiles:
        return [
            Result("HTTP load (locust)", float("nan"), "", detail={"skipped": "no scale learners"})
        ]
    workdir = Path(tempfile.mkdtemp(prefix="bench-locust-"))
    (workdir / "users.json").write_text(json.dumps(profiles))
    env = {**os.environ, "BENCH_LOCUST_USERS": str(workdir / "users.json")}
    server = _gunicorn()
    try:
        _wait_until_serving()
        run = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(users), "-r", "5", "-t", f"{duration}s", "--host", f"http://127.0.0.1:{GUNICORN_PORT}",
             "--csv", str(workdir / "stats"), "--only-summary", "--exit-code-on-error", "0"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=duration + 120,
        )  # fmt: skip
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    stats_file = workdir / "stats_stats.csv"
    if not stats_file.exists():
        return [
            Result("HTTP load (locust)", float("nan"), "", detail={"error": run.stderr[-2000:]})
        ]
    rows = {row["Name"]: row for row in csv.DictReader(stats_file.open())}
    total = rows["Aggregated"]
    p95 = float(total["95%"])
    per_page = {name: f"p95 {row['95%']} ms" for name, row in rows.items() if name != "Aggregated"}
    return [
        Result(f"HTTP p95 at {users} concurrent learners (locust, 1–3 s think time)", p95, "ms", "≤ 150 ms",
               p95 <= 150 and int(total["Failure Count"]) == 0,
               detail={"p50_ms": float(total["50%"]), "p99_ms": float(total["99%"]),
                       "requests_per_second": round(float(total["Requests/s"]), 1),
                       "requests": int(total["Request Count"]), "errors": int(total["Failure Count"]),
                       "gunicorn": f"{(os.cpu_count() or 1) + 1} gthread workers × 2 threads",
                       "pages": per_page}),
    ]  # fmt: skip


# CLASSROOM (issue 17) ----------------------------------------------------------------------

CHECK_IN_CONCURRENCY = 50


def _classroom_today_session(number: str):
    """The seeded running batch's one session, moved to today for the whole day (the
    benchmark may run days after the seed), its attendance left as seeded."""
    import datetime as dt

    from django.utils import timezone

    from lms.models import Session

    session = Session.objects.select_related("batch").filter(batch__number=number).first()
    if session is None:
        return None
    Session.objects.filter(pk=session.pk).update(
        date=timezone.localdate(), start_time=dt.time(0, 0), end_time=dt.time(23, 59)
    )
    session.refresh_from_db()
    return session


def _classroom_check_in_over_http(session, url: str, cookies: list[str]) -> dict:
    """CHECK_IN_CONCURRENCY participants check in at once through gunicorn (the
    production profile and server of the other HTTP measures): one client thread per
    participant, all released together, each its own keep-alive connection, session
    cookie and CSRF secret (a 32-character secret is a valid form token too). The room's
    token is made when the POST leaves, as the phone would. Server time is gunicorn's own
    per request (access log %(D)s: from the request parsed to the response written, so a
    request waiting for a free worker thread is not in it); the client's time (which is)
    is in the detail."""
    import http.client
    import threading
    from urllib.parse import urlencode

    from django.utils.crypto import get_random_string

    from lms.services.classroom_attendance import checkin_token_make

    log = Path(tempfile.mkdtemp(prefix="bench-checkin-")) / "access.log"
    waves = [
        cookies[i : i + CHECK_IN_CONCURRENCY] for i in range(0, len(cookies), CHECK_IN_CONCURRENCY)
    ]
    client_ms: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def participant(cookie: str, gate: threading.Barrier) -> None:
        secret = get_random_string(32)
        conn = http.client.HTTPConnection("127.0.0.1", GUNICORN_PORT, timeout=60)
        headers = {"Cookie": f"{cookie}; csrftoken={secret}",
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        try:
            conn.connect()
            gate.wait()
            body = urlencode(
                {"t": checkin_token_make(session=session), "csrfmiddlewaretoken": secret}
            )
            started = time.perf_counter()
            conn.request("POST", url, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                client_ms.append(elapsed)
                statuses.append(response.status)
        except (OSError, http.client.HTTPException):
            with lock:
                statuses.append(0)
        finally:
            conn.close()

    previous = os.environ.get("GUNICORN_CMD_ARGS")
    # The access log with the request time in microseconds (read by _gunicorn's server).
    os.environ["GUNICORN_CMD_ARGS"] = (
        f"--access-logfile {log} --access-logformat '%(m)s %(U)s %(s)s %(D)s'"
    )
    server = _gunicorn()
    try:
        _wait_until_serving()
        wall = time.perf_counter()
        for wave in waves:  # 50 at once, then the next 50 once they are all answered
            gate = threading.Barrier(len(wave))
            threads = [threading.Thread(target=participant, args=(c, gate)) for c in wave]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        wall = time.perf_counter() - wall
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if previous is None:
            os.environ.pop("GUNICORN_CMD_ARGS", None)
        else:
            os.environ["GUNICORN_CMD_ARGS"] = previous
    server_ms = [
        int(parts[3]) / 1000
        for parts in (line.split() for line in log.read_text().splitlines())
        if len(parts) == 4 and parts[0] == "POST" and parts[1] == url
    ]
    return {"server_ms": server_ms, "client_ms": client_ms, "statuses": statuses, "wall_s": wall,
            "waves": len(waves)}  # fmt: skip


@measure("classroom check-in")
def classroom_check_in() -> list[Result]:
    """Issue 17: the seeded batch of 500 participants checks in by the room's QR code.
    The first 50 one after the other in-process (server time, CPU time and queries of a
    check-in with no queue, in the detail); the other 450 through gunicorn in waves of
    CHECK_IN_CONCURRENCY at once (_classroom_check_in_over_http): the p95 of the server
    time is the figure. Then the committee's live attendance screen of the 100-person
    session (queries and server time)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from lms.demo.scale_classroom import BOARD_BATCH, CHECK_IN_BATCH
    from lms.models import Attendance, Nomination
    from lms.services.classroom_attendance import checkin_token_make

    session = _classroom_today_session(CHECK_IN_BATCH)
    board = _classroom_today_session(BOARD_BATCH)
    if session is None or board is None:
        return [Result("classroom check-in", float("nan"), "ms", detail={"skipped": "no seed"})]
    Attendance.objects.filter(session=session).delete()  # a second run starts afresh
    users = [
        n.employee.user
        for n in Nomination.objects.filter(batch=session.batch, status=Nomination.Status.SELECTED)
        .select_related("employee__user")
        .order_by("pk")
    ]
    url = reverse("classroom:check_in", args=[session.pk])
    # The first 50 one after the other, in-process: a check-in with no queue.
    alone: list[float] = []
    cpu: list[float] = []
    queries: list[int] = []
    single = Client()
    for user in users[:CHECK_IN_CONCURRENCY]:
        single.force_login(user)
        token = checkin_token_make(session=session)
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            single.post(url, {"t": token})
            alone.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        queries.append(len(captured))
    users = users[CHECK_IN_CONCURRENCY:]
    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        cookies.append(
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    http = _classroom_check_in_over_http(session, url, cookies)
    recorded = Attendance.objects.filter(session=session).count() - len(alone)
    errors = sum(1 for status in http["statuses"] if status != 200)
    server_ms, client_ms = http["server_ms"], http["client_ms"]
    p95 = _p95(server_ms) if server_ms else float("nan")

    committee = board.batch.committee.first() or _hr()
    client = Client()
    client.force_login(committee)
    board_url = reverse("classroom:session_board", args=[board.pk])
    client.get(board_url)
    with CaptureQueriesContext(connection) as board_captured:
        status = client.get(board_url).status_code
    board_queries = len(board_captured)
    board_times = _timed(lambda: client.get(board_url), runs=20)
    return [
        Result(f"classroom check-in p95 server time at {CHECK_IN_CONCURRENCY} concurrent check-ins (gunicorn)",
               round(p95, 1), "ms", "≤ 50 ms", p95 <= 50 and not errors and recorded == len(users),
               detail={"url": url, "check_ins": len(server_ms), "recorded": recorded, "errors": errors,
                       "median_ms": round(statistics.median(server_ms), 1) if server_ms else None,
                       "client_p95_ms": round(_p95(client_ms), 1) if client_ms else None,
                       "client_median_ms": round(statistics.median(client_ms), 1) if client_ms else None,
                       "waves": http["waves"], "wall_s": round(http["wall_s"], 1),
                       "gunicorn": f"{(os.cpu_count() or 1) + 1} gthread workers × 2 threads",
                       "one_at_a_time_p95_ms": round(_p95(alone), 1) if alone else None,
                       "one_at_a_time_median_ms": round(statistics.median(alone), 1) if alone else None,
                       "one_at_a_time_cpu_median_ms": round(statistics.median(cpu), 1) if cpu else None,
                       "queries_per_check_in": max(queries) if queries else None}),
        Result("classroom live attendance screen (100 participants)", board_queries, "queries",
               "≤ 10 queries", status == 200 and board_queries <= 10,
               detail={"url": board_url, "p95_ms": round(_p95(board_times), 1)}),
    ]  # fmt: skip


# ISSUE 18: THE YEARLY DEVELOPMENT CYCLE ------------------------------------------------------


def _page_figures(client, url: str, *, runs: int = 20) -> tuple[int, int, list[float], list[float]]:
    """(status, queries, server times ms, CPU times ms) of a GET, after one warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    query_count = len(queries)
    times: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return status, query_count, times, cpu


@measure("development plan report")
def development_plan_report_page() -> list[Result]:
    """Issue 18: HR's planned-vs-realised report of this year's 300-item plan (seeded by
    lms/demo/scale_development_plan.py) as the HTML page, and its XLSX export."""
    from django.test import Client
    from django.urls import reverse

    from competencies.models import DevelopmentPlan
    from lms.demo.scale_development_plan import PLAN_NOTE

    plan = DevelopmentPlan.objects.filter(note=PLAN_NOTE).first()
    if plan is None:
        return [
            Result("development plan report", float("nan"), "ms", detail={"skipped": "no seed"})
        ]
    client = Client()
    client.force_login(_hr())
    url = reverse("competencies_plan_report", args=[plan.pk])
    status, queries, times, cpu = _page_figures(client, url)
    p95 = _p95(times)
    xlsx_status, xlsx_queries, xlsx_times, _cpu = _page_figures(
        client, url + "?export=xlsx", runs=5
    )
    return [
        Result(f"development plan report ({plan.items.count()} items): server time p95", round(p95, 1),
               "ms", "≤ 300 ms, ≤ 20 queries (issue 18)",
               status == 200 and p95 <= 300 and queries <= 20,
               detail={"url": url, "median_ms": round(statistics.median(times), 1),
                       "cpu_median_ms": round(statistics.median(cpu), 1), "queries": queries}),
        Result("development plan report XLSX: server time median", round(statistics.median(xlsx_times), 1),
               "ms", "", None,
               detail={"status": xlsx_status, "queries": xlsx_queries, "p95_ms": round(_p95(xlsx_times), 1)}),
    ]  # fmt: skip


def _busiest_supervisor():
    from django.db.models import Count

    from competencies.models import Employee

    return (
        Employee.objects.filter(user__email__endswith="@scale.bontang.example")
        .annotate(n=Count("direct_reports"))
        .order_by("-n", "pk")
        .select_related("user")
        .first()
    )


@measure("supervisor team page with IDP status")
def supervisor_team_page() -> list[Result]:
    """Issue 18: the team page (/learning/tim/) of the scale supervisor with the most
    reports, each with this year's IDP status (every scale employee has one)."""
    from django.test import Client
    from django.urls import reverse

    supervisor = _busiest_supervisor()
    if supervisor is None:
        return [
            Result("supervisor team page", float("nan"), "queries", detail={"skipped": "no seed"})
        ]
    client = Client()
    client.force_login(supervisor.user)
    url = reverse("lms:team")
    status, queries, times, cpu = _page_figures(client, url)
    return [
        Result(f"supervisor team page with IDP status ({supervisor.direct_reports.count()} reports)", queries,
               "queries", "≤ 10 queries (issue 18)", status == 200 and queries <= 10,
               detail={"url": url, "median_ms": round(statistics.median(times), 1),
                       "p95_ms": round(_p95(times), 1), "cpu_median_ms": round(statistics.median(cpu), 1)}),
    ]  # fmt: skip


JP_BENCH_PREFIX = "bench-jp:"


def _converted_records() -> int:
    """One converted seminar record (SIASN type 9, a day: 4 JP by the seeded table) per
    active scale employee this year, bulk-written once (the scale seed's records are
    portal courses, which re-computation does not touch), with the JP table rows."""
    import random

    from django.utils import timezone

    from competencies.models import Employee, JpConversionRule, TrainingRecord
    from competencies.services.summaries import jp_years_refresh
    from lms.demo.scale import bulk_insert

    existing = TrainingRecord.objects.filter(source_key__startswith=JP_BENCH_PREFIX).count()
    if existing:
        return existing
    year = timezone.localdate().year
    rule = (
        JpConversionRule.objects.filter(development_type=9, activity="seminar",
                                        effective_from__lte=datetime.date(year, 1, 1))
        .order_by("-effective_from").first()
    )  # fmt: skip
    people = list(
        Employee.objects.filter(user__email__endswith="@scale.bontang.example", is_active=True)
        .order_by("pk").values_list("pk", flat=True)
    )  # fmt: skip
    rng = random.Random(18)
    now = timezone.now()
    rows = []
    for employee_id in people:
        day = datetime.date(year, rng.randint(2, 11), rng.randint(1, 28))
        rows.append((employee_id, TrainingRecord.Source.EXTERNAL, f"{JP_BENCH_PREFIX}{employee_id}",
                     "Seminar (bench)", "Bench", 9, day, day, rule.jp_national, "seminar", rule.pk,
                     rule.jp_national, TrainingRecord.Status.APPROVED, now))  # fmt: skip
    count = bulk_insert(
        TrainingRecord,
        ("employee_id", "source", "source_key", "title", "organiser", "development_type",
         "started_on", "finished_on", "jp", "activity", "jp_rule_id", "jp_computed", "status",
         "decided_at"),
        rows,
    )  # fmt: skip
    jp_years_refresh(employee_ids=people)
    return count


@measure("JP recomputation after a conversion change")
def jp_recomputation() -> list[Result]:
    """Issue 18: the seminar row of the conversion table gets a new version from 2 January
    this year (one more JP a day than the one in force); then HR's re-computation runs as
    it does in production: the JP table refresh the save queues, the preview task
    (`competencies.tasks.jp_recompute_preview`, with its progress) and HR's confirmation,
    over one converted record per scale employee (10,000 at factor 1). Celery in eager
    mode, so the task bodies run here, through the task path."""
    from django.db import transaction
    from django.utils import timezone

    from competencies.models import JpConversionRule, JpRecompute, TrainingRecord
    from competencies.services.jp_conversion import (
        jp_recompute_confirm,
        jp_recompute_request,
        jp_rule_create,
    )
    from config.celery import app

    records = _converted_records()
    admin = _jp_table_editor()
    year = timezone.localdate().year
    current = (
        JpConversionRule.objects.filter(development_type=9, activity="seminar")
        .order_by("-effective_from").first()
    )  # fmt: skip
    start_day = max(datetime.date(year, 1, 2), current.effective_from + datetime.timedelta(days=1))
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        started, started_cpu = time.perf_counter(), time.process_time()
        new = JpConversionRule(
            development_type=9, activity="seminar", unit=current.unit,
            jp_national=current.jp_national + 1, jp_international=current.jp_international + 1,
            cap_per_day=current.cap_per_day, cap_per_month=current.cap_per_month,
            cap_per_year=current.cap_per_year, effective_from=start_day, source="bench",
        )  # fmt: skip
        with transaction.atomic():
            jp_rule_create(actor=admin, rule=new)  # the JP table refresh runs on commit
        table = time.perf_counter() - started
        mark = time.perf_counter()
        with transaction.atomic():
            run = jp_recompute_request(actor=admin)  # the preview task runs on commit
        run.refresh_from_db()
        preview = time.perf_counter() - mark
        mark = time.perf_counter()
        with transaction.atomic():
            jp_recompute_confirm(actor=admin, run=run)  # the change's task runs on commit
        run.refresh_from_db()
        changed = run.applied_count
        apply = time.perf_counter() - mark
        total = time.perf_counter() - started
        cpu = time.process_time() - started_cpu
    finally:
        app.conf.task_always_eager = eager
    ok = run.status == JpRecompute.Status.APPLIED or (
        JpRecompute.objects.get(pk=run.pk).status == JpRecompute.Status.APPLIED
    )
    moved = TrainingRecord.objects.filter(
        source_key__startswith=JP_BENCH_PREFIX, jp_rule=new
    ).count()
    label = f"{records:,} records of as many employees"
    return [
        Result(f"JP recomputation preview task with progress ({label})", round(preview, 1), "s",
               "≤ 10 s (issue 18)", ok and preview <= 10, detail={"changed": changed}),
        Result(f"JP recomputation after a conversion change, end to end ({label})", round(total, 1),
               "s", "≤ 10 s (issue 18)", ok and moved > 0 and total <= 10,
               detail={"table_refresh_task_s": round(table, 1), "preview_task_s": round(preview, 1),
                       "apply_s": round(apply, 1), "changed": changed, "on_new_version": moved,
                       "cpu_s": round(cpu, 1)}),
    ]  # fmt: skip


def _jp_table_editor():
    """An account that may edit the agency's conversion table (HR who sees the whole
    organisation, or an administrator)."""
    from accounts.models import User

    return User.objects.filter(email="admin@demo.bontang.example").first() or _hr()


# RUNNER ------------------------------------------------------------------------------------


def _seed(factor: float, seed: int) -> dict:
    from django.core.management import call_command

    from competencies.demo.scale import (
        scale_data_exists,
        scale_idps_exist,
        scale_seed_hr,
        scale_seed_idps,
    )
    from lms.demo.scale import scale_lms_exists, scale_seed_lms
    from lms.demo.scale_classroom import scale_classroom_exists, scale_seed_classroom
    from lms.demo.scale_development_plan import scale_plan_exists, scale_seed_plan
    from lms.demo.seed import demo_seed

    timings = {}

    def note(step: str, n: int) -> None:
        print(f"  seeded {n:,} {step} ({time.perf_counter() - start:.1f} s)", flush=True)

    start = time.perf_counter()
    if not scale_data_exists():
        demo_seed()
        scale_seed_hr(seed=seed, factor=factor, progress=note)
        timings["scale data, HR half, seeded in (s)"] = round(time.perf_counter() - start, 1)
    seeded = False
    if not scale_lms_exists():
        start = time.perf_counter()
        scale_seed_lms(seed=seed, factor=factor, progress=note)
        timings["scale data, LMS half, seeded in (s)"] = round(time.perf_counter() - start, 1)
        seeded = True
    if not scale_classroom_exists():
        start = time.perf_counter()
        scale_seed_classroom(seed=seed, factor=factor, progress=note)
        timings["scale data, classroom, seeded in (s)"] = round(time.perf_counter() - start, 1)
        seeded = True
    if seeded:
        # The rows were bulk-written past the services: build the HR summary tables that
        # the HR reports read (as `seed_scale` does), then give the planner real counts.
        from competencies.services.summaries import summaries_rebuild
        from lms.services.database import database_analyze

        start = time.perf_counter()
        summaries_rebuild()
        timings["HR summary tables built in (s)"] = round(time.perf_counter() - start, 1)
        database_analyze()
    # Issue 18: IDPs for every employee (in the HR half since; a database seeded before
    # gets them here) and this year's 300-item development plan with its realisation.
    # The plan's gaps are read from the summary tables, so after them.
    if not scale_idps_exist():
        start = time.perf_counter()
        scale_seed_idps(seed=seed, progress=note)
        timings["scale data, IDPs, seeded in (s)"] = round(time.perf_counter() - start, 1)
    if not scale_plan_exists():
        start = time.perf_counter()
        scale_seed_plan(seed=seed, factor=factor, progress=note)
        timings["scale data, development plan, seeded in (s)"] = round(
            time.perf_counter() - start, 1
        )
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("compile_translations", verbosity=0)
    return timings


def _markdown(results: list[Result], meta: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {meta['date']} on {meta['machine']} ({meta['cpus']} cores), Python {meta['python']}, "
        f"PostgreSQL {meta['postgres']}, Django {meta['django']}, Wagtail {meta['wagtail']}. "
        f"Scale factor {meta['factor']}, seed {meta['seed']}.",
        "",
        "| Measurement | Value | Target | Met |",
        "|---|---|---|---|",
    ]
    for r in results:
        met = "—" if r.met is None else ("yes" if r.met else "**no**")
        extra = ", ".join(f"{k} {v}" for k, v in r.detail.items() if k != "url")
        value = f"{r.value} {r.unit}" + (f" ({extra})" if extra else "")
        lines.append(f"| {r.name} | {value} | {r.target or '—'} | {met} |")
    lines += ["", "See bench/NOTES.md for what each fix changed and what is not measured yet."]
    return "\n".join(lines) + "\n"


@measure("HR summaries rebuild")
def hr_summaries_rebuild() -> list[Result]:
    """`manage.py hr_summaries_rebuild` from empty tables (current levels, yearly JP, gap
    counts), then a second run on tables already right (writes nothing)."""
    from competencies.models import CurrentLevel, EmployeeJpYear, GapCount
    from competencies.services.summaries import summaries_rebuild

    GapCount.objects.all().delete()
    CurrentLevel.objects.all().delete()
    EmployeeJpYear.objects.all().delete()
    start = time.perf_counter()
    built = summaries_rebuild()
    scratch = time.perf_counter() - start
    start = time.perf_counter()
    again = summaries_rebuild()
    idempotent = time.perf_counter() - start
    return [
        Result("HR summaries rebuilt from scratch", round(scratch, 1), "s", "≤ 60 s",
               scratch <= 60, detail={"rows": built.created}),
        Result("HR summaries rebuilt again (nothing to change)", round(idempotent, 1), "s",
               "0 rows written", again.total == 0, detail={"rows_written": again.total}),
    ]  # fmt: skip


ORDER = [
    # Read-only pages and the HTTP load first, on the scale data as seeded; the measures
    # that add rows (assignment, certificates, 10,000 imported employees) come last.
    "pages", "floor ratios", "compliance XLSX export", "HTTP load (locust)", "HTTP saturation (wrk)",
    "certificate PDFs", "gap selectors", "HR summaries rebuild", "bulk assignment",
    "certificates through Celery", "certificates signed through Celery", "verify page PDF check",
    "xAPI statements to the LRS", "classroom check-in",
    "development plan report", "supervisor team page with IDP status",
    "JP recomputation after a conversion change",
    "employee import",
]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factor", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--only", action="append", help="run only these measurements")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="write results.json and RESULTS.md here instead of bench/ (a partial run)",
    )
    args = parser.parse_args()
    results_json, results_md = RESULTS_JSON, RESULTS_MD
    if args.output is not None:
        args.output.mkdir(parents=True, exist_ok=True)
        results_json, results_md = args.output / "results.json", args.output / "RESULTS.md"

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    os.environ.update(_environment(database_url))
    created = _ensure_database(database_url)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print(
        f"bench database {'created' if created else 'ready'}: {urlsplit(database_url).path[1:]}",
        flush=True,
    )
    seed_timings = _seed(args.factor, args.seed)

    results = [Result(name, value, "s") for name, value in seed_timings.items()]
    # The in-process measures stand for a gunicorn worker, which freezes what it loaded at
    # start-up (config/wsgi.py): the same here, once the seeding's garbage is collected.
    gc.collect()
    import config.wsgi  # noqa: F401 - freezes on import, as in the worker

    MEASURES.sort(key=lambda m: ORDER.index(m[0]) if m[0] in ORDER else len(ORDER))
    for name, fn in MEASURES:
        if args.only and name not in args.only:
            continue
        print(f"measuring {name}…", flush=True)
        results.extend(fn())

    import django as dj
    from django.db import connection

    import wagtail

    meta = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "postgres": connection.cursor().connection.info.server_version,
        "django": dj.get_version(),
        "wagtail": wagtail.__version__,
        "factor": args.factor,
        "seed": args.seed,
    }
    results_json.write_text(
        json.dumps({"meta": meta, "results": [asdict(r) for r in results]}, indent=2, default=str)
    )
    results_md.write_text(_markdown(results, meta))
    print(results_md.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
