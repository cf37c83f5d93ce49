"""Object-level access (IDOR) cases: a URL that shows or changes one record, requested by
its owner, by another learner, by anonymous visitors and by the roles that may see
everyone's records. tests/security/test_object_access.py runs every case.

To add a case when a feature adds such a URL, append to CASES, e.g. for a quiz attempt:

    ObjectAccessCase(
        id="lms-attempt",
        url_name="lms:attempt",
        make=lambda owner: QuizAttemptFactory(enrolment__user=owner),
        kwargs=lambda attempt: {"attempt_uuid": attempt.uuid},
        other_learner=NOT_FOUND,          # 404 hides that the record exists
        roles={Role.PELATIH: OK},         # the course's trainer may look
    )

`make` receives the owner (a Peserta) and returns the record; `kwargs` turns the record
into the URL's kwargs. Prefer NOT_FOUND for strangers (the view looks the record up
through a *_get_for_user selector that filters by the user); DENIED is acceptable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile

from tests.security.url_expectations import LOGIN, NOT_FOUND, OK, Outcome


@dataclass(frozen=True)
class ObjectAccessCase:
    id: str
    url_name: str
    make: Callable[[Any], Any]
    kwargs: Callable[[Any], dict[str, Any]] = lambda obj: {}
    args: Callable[[Any], tuple[Any, ...]] = lambda obj: ()
    owner: Outcome = OK
    other_learner: Outcome = NOT_FOUND
    anonymous: Outcome = LOGIN
    roles: dict[str, Outcome] = field(default_factory=dict)


def _document_in_signed_in_collection(owner):
    """A Wagtail document in a collection restricted to signed-in people: the first real
    object-level rule in the portal (course material is not public)."""
    from wagtail.documents.models import Document
    from wagtail.models import Collection, CollectionViewRestriction

    collection = Collection.get_first_root_node().add_child(name="Materi kursus")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    return Document.objects.create(
        title="Materi",
        collection=collection,
        uploaded_by_user=owner,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="materi.pdf"),
    )


CASES: list[ObjectAccessCase] = [
    ObjectAccessCase(
        id="wagtail-document-in-restricted-collection",
        url_name="wagtaildocs_serve",
        make=_document_in_signed_in_collection,
        args=lambda document: (document.pk, document.filename),
        other_learner=OK,  # any signed-in employee may read course material
    ),
]
