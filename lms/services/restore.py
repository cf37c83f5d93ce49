"""After a database restore (docs/deployment.md, "Backup and restore").

A restored dump is older than the last certificate handed out: certificates issued after
it are gone from the database but live on, printed and e-mailed, with their number and
verification code. Handing those numbers out again would give one number to two
people, so before the workers start again the year's counters are advanced past
everything ever issued. The evidence that survives the database:

- the stored PDFs (the media backup, or the live bucket): one file per issued
  certificate, named after its verification code, under ``certificates/<year>/``; a
  code there that the database does not know is a certificate issued after the dump;
- the last number the operator knows from outside (the worker log line
  "Certificate <number> issued", the holder's e-mail or paper);
- a margin for certificates that left neither (numbered, but the PDF not yet stored).

Numbers skip after a restore (a documented gap) rather than repeat. Verification codes
are 128 random bits (`lms.models.certificates.verification_code`), never reissued."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lms.models import Certificate, CertificateSequence

CERTIFICATES_DIR = "certificates"
# certificate_pdf_name(): "<code>-<20 hex characters>.pdf"; a code may contain "-".
_PDF_NAME = re.compile(r"(?P<code>[A-Za-z0-9_-]+)-[0-9a-f]{20}\.pdf")


@dataclass
class SequenceAdvance:
    year: int
    restored_last: int
    highest_in_database: int
    operator_last: int
    lost_codes: list[str] = field(default_factory=list)
    new_last: int = 0

    @property
    def changed(self) -> bool:
        return self.new_last != self.restored_last


def _listdir(path: str) -> tuple[list[str], list[str]]:
    try:
        return default_storage.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return [], []


def certificate_codes_in_storage(*, year: int) -> set[str]:
    """Verification codes of the PDFs stored for `year`."""
    _dirs, files = _listdir(f"{CERTIFICATES_DIR}/{year}")
    return {match["code"] for name in files if (match := _PDF_NAME.fullmatch(name))}


def certificate_sequences_advance(
    *, margin: int, last_issued: dict[int, int], dry_run: bool = False
) -> list[SequenceAdvance]:
    """Sets each year's counter to at least (the restored counter or the highest number
    in the database, whichever is higher, + PDFs the database does not know, or the
    operator's last number, whichever is higher) +
    `margin`. Never lowers a counter, so a second run with the same evidence changes
    nothing."""
    storage_dirs, _files = _listdir(CERTIFICATES_DIR)
    years = (
        set(CertificateSequence.objects.values_list("year", flat=True))
        | {
            year
            for year in Certificate.objects.values_list("year", flat=True).distinct()
            if year is not None
        }
        | {int(name) for name in storage_dirs if name.isdigit()}
        | set(last_issued)
        | {timezone.localdate().year}
    )
    advances: list[SequenceAdvance] = []
    with transaction.atomic():
        for year in sorted(years):
            sequence = CertificateSequence.objects.select_for_update().filter(year=year).first()
            issued = Certificate.objects.filter(year=year)
            highest = issued.aggregate(top=Max("sequence"))["top"] or 0
            known = set(issued.values_list("code", flat=True))
            advance = SequenceAdvance(
                year=year,
                restored_last=sequence.last if sequence else 0,
                highest_in_database=highest,
                operator_last=last_issued.get(year, 0),
                lost_codes=sorted(certificate_codes_in_storage(year=year) - known),
            )
            # The lost certificates were numbered after the restored counter, which is
            # above the highest number in the database when rows were deleted. A counter
            # this command set itself is not a restored one: counting from it again would
            # add the lost PDFs and the margin a second time.
            counted_from = _counted_from(advance)
            evidence = max(
                max(highest, counted_from) + len(advance.lost_codes),
                advance.operator_last,
            )
            advance.new_last = max(advance.restored_last, evidence + margin)
            advances.append(advance)
            if dry_run or not advance.changed:
                continue
            CertificateSequence.objects.update_or_create(
                year=year, defaults={"last": advance.new_last}
            )
            _record(advance, counted_from=counted_from)
    return advances


def _record_name(year: int) -> str:
    # Not a certificate PDF name, so certificate_codes_in_storage() never counts it.
    return f"{CERTIFICATES_DIR}/{year}/counter-after-restore.json"


def _counted_from(advance: SequenceAdvance) -> int:
    """The counter the lost certificates were numbered after: the restored one, or, when
    the counter is still the one an earlier run set from the same lost PDFs, the counter
    that run counted from."""
    try:
        with default_storage.open(_record_name(advance.year)) as record_file:
            record = json.loads(record_file.read())
    except (FileNotFoundError, OSError, ValueError):
        return advance.restored_last
    if record.get("set") == advance.restored_last and sorted(record.get("lost_codes", [])) == list(
        advance.lost_codes
    ):
        return int(record["counted_from"])
    return advance.restored_last


def _record(advance: SequenceAdvance, *, counted_from: int) -> None:
    name = _record_name(advance.year)
    record = {
        "counted_from": counted_from,
        "lost_codes": advance.lost_codes,
        "set": advance.new_last,
    }
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(json.dumps(record).encode()))
