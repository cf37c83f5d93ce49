"""Course authoring set-up: who may write courses and who publishes them.

- Pelatih (trainers) get Wagtail's "add" permission on the course catalogue page. In
  Wagtail that lets a trainer create courses, lessons and quizzes below it and edit only
  the pages they own; they cannot publish.
- Kepala Pelatihan (training head, a group created here) gets add, change and publish
  on the catalogue: the head reviews and publishes.
- The "Penerbitan kursus" workflow (one group-approval task for the training head) is
  attached to the catalogue page, so "Submit for review" is how a trainer asks for
  publication.
- Pengelola SDM (HR) gets nothing here: HR cannot edit learning content.

Run it once per catalogue (idempotent): `manage.py setup_course_authoring` or seed_demo.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.roles import Role
from lms.models import CourseIndexPage

TRAINING_HEAD_GROUP = "Kepala Pelatihan"
WORKFLOW_NAME = "Penerbitan kursus"
APPROVAL_TASK_NAME = "Persetujuan Kepala Pelatihan"

_MEDIA_PERMISSIONS = [
    ("wagtailimages", "image", ["add_image", "choose_image"]),
    ("wagtaildocs", "document", ["add_document", "choose_document"]),
]
_QUESTION_PERMISSIONS = ["add_question", "change_question", "delete_question", "view_question"]


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Page), codename=codename
    )


@transaction.atomic
def course_authoring_setup(*, index: CourseIndexPage) -> Workflow:
    head, _created = Group.objects.get_or_create(name=TRAINING_HEAD_GROUP)
    trainer = Group.objects.get(name=Role.PELATIH)
    head.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    question_perms = Permission.objects.filter(
        content_type__app_label="lms", codename__in=_QUESTION_PERMISSIONS
    )
    for group in (trainer, head):
        group.permissions.add(*question_perms)
        root = Collection.get_first_root_node()
        for app_label, _model, codenames in _MEDIA_PERMISSIONS:
            for permission in Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            ):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root, permission=permission
                )
    GroupPagePermission.objects.get_or_create(
        group=trainer, page=index, permission=_page_permission("add_page")
    )
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=head, page=index, permission=_page_permission(codename)
        )
    task = GroupApprovalTask.objects.filter(name=APPROVAL_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=APPROVAL_TASK_NAME)
    task.groups.set([head])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow
