"""Demo data for `manage.py seed_demo`. Every call leaves the same rows, so running it
twice is safe. All names, addresses and passwords here are demo values: the e-mail
domain is the reserved `.example` TLD."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from wagtail.models import Page, Site

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from competencies.demo.seed import competencies_demo_seed
from competencies.models import AgencySettings
from lms.demo.classroom import classroom_demo_seed
from lms.demo.courses import demo_courses_seed
from lms.demo.development_plan import development_plan_demo_seed
from lms.demo.idp import idp_demo_seed
from lms.models import HomePage

DEMO_PASSWORD = "DemoBontang#2026"  # noqa: S105 - documented demo login, not a secret
DEMO_DOMAIN = "demo.bontang.example"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    nip: str | None
    password: str
    name: str

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


DEMO_PEOPLE: list[tuple[str, str, str, str, tuple[str, ...], bool]] = [
    # (role label key, e-mail local part, NIP, full name, groups, superuser)
    ("Peserta", "peserta", "199203152019032001", "Rina Lestari", (Role.PESERTA,), False),
    ("Atasan", "atasan", "198507202010011003", "Budi Santoso", (Role.ATASAN, Role.PESERTA), False),
    ("Pelatih", "pelatih", "198011052005012002", "Sri Wahyuni", (Role.PELATIH,), False),
    ("Pengelola SDM", "sdm", "198802142012121001", "Agus Pratama", (Role.PENGELOLA_SDM,), False),
    ("Administrator", "admin", "197906302003121004", "Dewi Anggraini", (Role.ADMINISTRATOR,), True),
]


def _demo_user(*, email: str, nip: str, name: str, roles: tuple[str, ...], superuser: bool) -> User:
    first_name, _, last_name = name.partition(" ")
    user = User.objects.filter(email=email).first()
    if user is None:
        user = user_create(
            email=email,
            first_name=first_name,
            last_name=last_name,
            nip=nip,
            roles=roles,
            password=DEMO_PASSWORD,
            invite=False,
        )
    else:
        user.groups.set(Group.objects.filter(name__in=roles))
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    if superuser and not (user.is_superuser and user.is_staff):
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    return user


def _demo_site() -> Site:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's migrations create a plain "Welcome" page; the portal's home replaces it.
        for child in root.get_children():
            if child.specific_class is Page:
                child.delete()
        home = HomePage(
            title="Portal Pembelajaran ASN Kota Bontang",
            slug="home",
            intro=(
                "Tempat belajar dan mengembangkan kompetensi Aparatur Sipil Negara "
                "Pemerintah Kota Bontang untuk pelayanan publik yang lebih baik."
            ),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    site.root_page = home
    site.site_name = "Portal Pembelajaran ASN Kota Bontang"
    site.save()
    return site


def _demo_agency_settings(site: Site) -> AgencySettings:
    settings = AgencySettings.for_site(site)
    settings.address = "Jl. Moh. Roem, Bontang Lestari, Kota Bontang (alamat demo)"
    settings.contact_email = f"bkpsdm@{DEMO_DOMAIN}"
    settings.signer_name = "Nama Penandatangan (Demo)"
    settings.signer_nip = "197501012000031001"
    settings.signer_title = "Kepala BKPSDM Kota Bontang"
    settings.save()
    return settings


@transaction.atomic
def demo_seed() -> list[DemoLogin]:
    """Creates (or brings back to their demo state) the home page, the site settings and
    one user per role. Returns the demo logins."""
    site = _demo_site()
    _demo_agency_settings(site)
    logins = []
    users = {}
    for role, local, nip, name, roles, superuser in DEMO_PEOPLE:
        email = f"{local}@{DEMO_DOMAIN}"
        users[local] = _demo_user(email=email, nip=nip, name=name, roles=roles, superuser=superuser)
        logins.append(DemoLogin(role=role, email=email, nip=nip, password=DEMO_PASSWORD, name=name))
    competencies_demo_seed(users=users)
    demo_courses_seed(
        home_page=site.root_page.specific,
        trainer=users["pelatih"],
        learners=[users["peserta"], users["atasan"]],
    )
    _demo_assignments(actor=users["sdm"], users=[users["peserta"], users["atasan"]])
    _demo_news(home=site.root_page.specific)
    _demo_proposals(users=users)
    classroom_demo_seed(users=users)
    idp_demo_seed(users=users)
    development_plan_demo_seed(users=users)
    # Last: the classroom participants complete when they evaluate their batch.
    _demo_certificates(users=[users["peserta"], users["atasan"]], revoker=users["admin"])
    return logins


# Training-need proposals (docs/transparency.md): one open with support, one answered.
DEMO_PROPOSALS = [
    # (proposer, topic, reason, competency code, supporters)
    (
        "peserta",
        "Bahasa isyarat dasar untuk petugas layanan",
        "Warga tuli datang ke loket setiap minggu dan kami belum bisa melayani tanpa juru "
        "bahasa (contoh data demo).",
        "M.05",
        ("atasan", "pelatih"),
    ),
    (
        "atasan",
        "Menjawab pengaduan di media sosial",
        "Pengaduan lewat media sosial meningkat; petugas perlu pedoman menjawab yang "
        "cepat dan sopan (contoh data demo).",
        "T.PP.03",
        ("peserta",),
    ),
]


def _demo_proposals(*, users: dict[str, User]) -> None:
    """Two proposals with votes; the second answered "under review" by HR. Idempotent:
    found by topic."""
    from competencies.models import Competency
    from lms.models import TrainingNeedProposal
    from lms.services.proposals import proposal_answer, proposal_create, proposal_support

    for index, (proposer, topic, reason, code, supporters) in enumerate(DEMO_PROPOSALS):
        competency = Competency.objects.filter(code=code).first()
        if competency is None or TrainingNeedProposal.objects.filter(topic=topic).exists():
            continue
        proposal = proposal_create(
            user=users[proposer], topic=topic, reason=reason, competency=competency
        )
        for supporter in supporters:
            proposal_support(proposal=proposal, user=users[supporter])
        if index == 1:
            proposal_answer(
                proposal=proposal,
                actor=users["sdm"],
                status=TrainingNeedProposal.Status.UNDER_REVIEW,
                response="Sedang kami bahas bersama perangkat daerah (contoh data demo).",
            )


def _demo_assignments(*, actor: User, users: list[User]) -> None:
    """Every course the demo marks as assigned to a learner (an assignment-source
    enrolment) gets its assignment, made by HR through `assignment_create` as in the
    admin: one per person and course, with the enrolment's due date. The service adopts
    the existing enrolment, so the learner's dashboard, the supervisor's team page, HR's
    list and the reminders all read the same rows. Idempotent: a course and person that
    already have an assignment row are skipped."""
    from competencies.models import Employee
    from lms.models import Assignment, AssignmentRecipient, Enrolment
    from lms.services.assignments import assignment_create

    assigned = Enrolment.objects.filter(
        user__in=users,
        source=Enrolment.Source.ASSIGNMENT,
        is_current=True,
        course__isnull=False,
    ).select_related("course", "user")
    for enrolment in assigned.order_by("pk"):
        employee = Employee.objects.filter(user=enrolment.user).first()
        if employee is None or enrolment.course is None or enrolment.due_on is None:
            continue
        if AssignmentRecipient.objects.filter(
            employee=employee, assignment__course_id=enrolment.course_id
        ).exists():
            continue
        assignment_create(
            actor=actor,
            course=enrolment.course,
            target_type=Assignment.Target.EMPLOYEES,
            employees=[employee],
            due_on=enrolment.due_on,
            reason="Wajib bagi pengelola layanan perizinan (contoh data demo).",
        )


def _demo_certificates(*, users: list[User], revoker: User) -> None:
    """The completion hook issues certificates as the demo learners finish courses; this
    catches databases seeded before certificates existed. One demo certificate (not the
    Peserta's) is revoked (category "data error") so that /verify/ shows both states. The signing key is
    created on first use (lms.services.credentials). Idempotent."""
    from lms.models import Certificate, Enrolment
    from lms.services import credentials
    from lms.services.certificates import certificate_issue, certificate_revoke
    from lms.signing import demo_pki

    # The demo PKI (root CA -> the demo Kepala BKPSDM's signing certificate, marked DEMO)
    # before the first certificate, so that every demo certificate is signed.
    demo_pki.demo_pki_ensure()
    completed = Enrolment.objects.filter(
        user__email__endswith=f"@{DEMO_DOMAIN}",  # every demo person, not the scale data
        status=Enrolment.Status.COMPLETED,
        course__certificate_enabled=True,
    ).values_list("pk", flat=True)
    for enrolment_id in completed:
        certificate_issue(enrolment_id=enrolment_id)
    credentials.signing_key()
    demo = Certificate.objects.filter(user__in=users)
    if demo.filter(status=Certificate.Status.REVOKED).exists():
        return
    # The README's learner (the first of `users`) keeps their certificates to try; the
    # revoked one is another demo learner's.
    others = demo.exclude(user=users[0]).filter(status=Certificate.Status.ISSUED, is_current=True)
    revoked = others.order_by("pk").last()
    if revoked is not None:
        certificate_revoke(
            certificate=revoked,
            actor=revoker,
            reason="Demo: revoked so that the verification page shows a revoked certificate.",
            category=Certificate.RevocationCategory.DATA_ERROR,
        )


DEMO_NEWS = [
    (
        "pembukaan-portal",
        "Portal Pembelajaran ASN resmi dibuka",
        (2026, 1, 5),
        "Seluruh ASN Kota Bontang dapat belajar daring dan memantau capaian JP tahunan.",
    ),
    (
        "usulan-kebutuhan-pelatihan",
        "Sampaikan usulan kebutuhan pelatihan Anda",
        (2026, 2, 2),
        "Usulan dan dukungan rekan kerja menjadi bahan analisis kebutuhan pelatihan tahun depan.",
    ),
]


def _demo_news(*, home: HomePage) -> None:
    """The news index with two announcements (docs/transparency.md). Idempotent: the
    pages are found by slug."""
    import datetime

    from lms.models import NewsIndexPage, NewsPage

    index = NewsIndexPage.objects.child_of(home).first()
    if index is None:
        index = NewsIndexPage(
            title="Berita dan Pengumuman",
            slug="berita",
            intro="Kabar terbaru tentang pengembangan kompetensi ASN Kota Bontang.",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    for slug, title, (y, m, d), intro in DEMO_NEWS:
        if NewsPage.objects.child_of(index).filter(slug=slug).exists():
            continue
        item = NewsPage(
            title=title, slug=slug, date=datetime.date(y, m, d), intro=intro, body=f"<p>{intro}</p>"
        )
        index.add_child(instance=item)
        item.save_revision().publish()
