"""The learning side of the Wagtail admin: question bank, certificates, course
assignments, training needs and proposals, course review, and their audit log actions.
The views live in lms/admin_views/."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from competencies.admin_views.base import HRMenuItem
from lms.admin_views import assignments, course_review, training_needs
from lms.admin_views.certificates import CertificatePermissionPolicy, CertificateViewSet
from lms.admin_views.classroom import HRPermissionPolicy
from lms.admin_views.proposals import ProposalPermissionPolicy, TrainingNeedProposalViewSet
from lms.admin_views.questions import QuestionViewSet
from lms.models import Batch, Certificate, FundingPattern, Session, Trainer, TrainingNeedProposal
from lms.services.proposals import ANSWER_ACTION

register_permission_policy(Certificate, CertificatePermissionPolicy(Certificate))
register_permission_policy(TrainingNeedProposal, ProposalPermissionPolicy(TrainingNeedProposal))
for _classroom_model in (Batch, Session, Trainer, FundingPattern):
    register_permission_policy(_classroom_model, HRPermissionPolicy(_classroom_model))


# QUESTION BANK AND LEARNER REPORTS -------------------------------------------------------


@hooks.register("register_admin_viewset")
def register_question_viewset():
    return QuestionViewSet("lms_questions")


class TrainerReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("portal.author_courses") or request.user.has_perm(
            "portal.access_hr"
        )


@hooks.register("register_admin_menu_item")
def register_trainer_reports_menu_item():
    return TrainerReportsMenuItem(
        _("Learner reports"),
        reverse("lms:trainer_courses"),
        icon_name="table",
        order=260,
    )


# CERTIFICATES ----------------------------------------------------------------------------


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return CertificateViewSet("lms_certificates")


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    actions.register_action(
        "lms.certificate_revoke", _("Revoke certificate"), _("Certificate revoked")
    )
    actions.register_action(
        "lms.certificate_reissue", _("Reissue certificate"), _("Certificate reissued")
    )
    actions.register_action(
        "lms.certificate_sign", _("Sign certificate"), _("Certificate signed electronically")
    )
    actions.register_action(
        "lms.certificate_signing_job", _("Sign certificates"), _("Signing batch started")
    )


# ASSIGNMENTS, TRAINING NEEDS AND PROPOSALS -----------------------------------------------


@hooks.register("register_admin_urls")
def register_assignment_urls():
    views = assignments
    return [
        path("pelatihan/penugasan/", views.AssignmentIndexView.as_view(), name="lms_assignments"),
        path(
            "pelatihan/penugasan/baru/",
            views.AssignmentCreateView.as_view(),
            name="lms_assignment_create",
        ),
        path(
            "pelatihan/penugasan/<int:pk>/",
            views.AssignmentDetailView.as_view(),
            name="lms_assignment_detail",
        ),
        path(
            "pelatihan/penugasan/peserta/<int:pk>/perpanjang/",
            views.AssignmentExtendView.as_view(),
            name="lms_assignment_extend",
        ),
        path(
            "pelatihan/usulan/", views.ProposalIndexView.as_view(), name="lms_assignment_proposals"
        ),
        # Saved rules and the training-needs report (docs/assignments.md).
        path(
            "pelatihan/aturan/",
            views.AssignmentRuleIndexView.as_view(),
            name="lms_assignment_rules",
        ),
        path(
            "pelatihan/aturan/baru/",
            views.AssignmentRuleEditView.as_view(),
            name="lms_assignment_rule_create",
        ),
        path(
            "pelatihan/aturan/<int:pk>/",
            views.AssignmentRuleEditView.as_view(),
            name="lms_assignment_rule_edit",
        ),
        path(
            "pelatihan/aturan/<int:pk>/hapus/",
            views.AssignmentRuleDeleteView.as_view(),
            name="lms_assignment_rule_delete",
        ),
        path(
            "pelatihan/kebutuhan/",
            training_needs.TrainingNeedsView.as_view(),
            name="lms_training_needs",
        ),
        path(
            "pelatihan/kebutuhan/tugaskan/<int:course_id>/",
            training_needs.TrainingNeedAssignView.as_view(),
            name="lms_training_need_assign",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_assignment_menu_item():
    return HRMenuItem(
        _("Course assignments"), reverse("lms_assignments"), icon_name="calendar", order=330
    )


@hooks.register("register_admin_menu_item")
def register_training_needs_menu_item():
    # Next to the competency-gap (320) and JP-compliance (330) HR reports.
    return HRMenuItem(
        _("Training needs"), reverse("lms_training_needs"), icon_name="table", order=325
    )


@hooks.register("register_admin_viewset")
def register_need_proposal_viewset():
    return TrainingNeedProposalViewSet("lms_need_proposals")


@hooks.register("register_log_actions")
def register_assignment_log_actions(actions):
    actions.register_action("lms.assignment_create", _("Assign course"), _("Course assigned"))
    actions.register_action("lms.assignment_extend", _("Extend due date"), _("Due date extended"))
    actions.register_action(
        "lms.assignment_rule_save", _("Save assignment rule"), _("Assignment rule saved")
    )
    actions.register_action(
        "lms.assignment_rule_delete", _("Delete assignment rule"), _("Assignment rule deleted")
    )
    actions.register_action(
        "lms.proposal_decide", _("Decide training proposal"), _("Training proposal decided")
    )
    actions.register_action(ANSWER_ACTION, _("Answer a proposal"), _("Proposal answered"))


# COURSE REVIEW ---------------------------------------------------------------------------


# A course goes to review, and is approved, in one confirmed action with its changed
# lessons and quizzes.
@hooks.register("register_admin_urls")
def register_course_review_urls():
    return [
        path(
            "kursus/<int:page_id>/tinjauan/kirim/",
            course_review.CourseReviewSubmitView.as_view(),
            name="lms_course_review_submit",
        ),
        path(
            "kursus/<int:page_id>/tinjauan/setujui/",
            course_review.CourseReviewApproveView.as_view(),
            name="lms_course_review_approve",
        ),
    ]


@hooks.register("register_page_action_menu_item")
def register_course_review_submit_menu_item():
    return course_review.CourseReviewSubmitMenuItem(order=1)


@hooks.register("register_page_action_menu_item")
def register_course_review_approve_menu_item():
    # Before "Save draft": the reviewer's main action on a course in review.
    return course_review.CourseReviewApproveMenuItem(order=-1)


class SignerMenuItem(MenuItem):
    """Shown to the signer (lms.sign_certificates) only."""

    def is_shown(self, request):
        return request.user.has_perm("lms.sign_certificates")


@hooks.register("register_admin_menu_item")
def register_signing_queue_menu_item():
    return SignerMenuItem(
        _("Certificates to sign"),
        reverse("lms_certificates:sign_queue"),
        icon_name="doc-full",
        order=271,
    )


# CLASSROOM TRAINING ----------------------------------------------------------------------


@hooks.register("register_log_actions")
def register_classroom_log_actions(actions):
    from lms.services import classroom, classroom_attendance, classroom_nominations

    actions.register_action(
        classroom.STATUS_ACTION, _("Change a batch's status"), _("Batch status changed")
    )
    actions.register_action(classroom.SESSION_ACTION, _("Save a session"), _("Session saved"))
    actions.register_action(
        classroom_nominations.NOMINATE_ACTION, _("Nominate for a batch"), _("Nominated")
    )
    actions.register_action(
        classroom_nominations.DECIDE_ACTION, _("Decide a nomination"), _("Nomination decided")
    )
    actions.register_action(
        classroom_nominations.WITHDRAW_ACTION, _("Withdraw a nomination"), _("Nomination withdrawn")
    )
    actions.register_action(
        classroom_attendance.CORRECT_ACTION, _("Correct attendance"), _("Attendance corrected")
    )


@hooks.register("register_admin_viewset")
def register_classroom_viewsets():
    from lms.admin_views.classroom import ClassroomViewSetGroup

    return ClassroomViewSetGroup()


@hooks.register("register_admin_urls")
def register_classroom_urls():
    from lms.admin_views import classroom as views

    return [
        path(
            "kelas/angkatan/<int:pk>/ringkasan/",
            views.BatchOverviewView.as_view(),
            name="lms_classroom_batch",
        ),
        path(
            "kelas/angkatan/<int:pk>/status/",
            views.BatchStatusView.as_view(),
            name="lms_classroom_batch_status",
        ),
        path(
            "kelas/nominasi/<int:pk>/putuskan/",
            views.NominationDecideView.as_view(),
            name="lms_classroom_nomination_decide",
        ),
        path(
            "kelas/pengajar-jp/",
            views.TrainerLedgerView.as_view(),
            name="lms_classroom_trainer_ledger",
        ),
        path(
            "kelas/sesi/<int:pk>/presensi/",
            views.SessionAttendanceView.as_view(),
            name="lms_classroom_session_attendance",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_trainer_ledger_menu_item():
    # Right after the classroom group (337).
    return HRMenuItem(
        _("Trainer JP ledger"), reverse("lms_classroom_trainer_ledger"), icon_name="user", order=338
    )


# CLASSROOM EVALUATION AND CALENDAR -------------------------------------------------------


@hooks.register("register_admin_urls")
def register_classroom_evaluation_urls():
    from lms.admin_views import classroom_calendar, classroom_evaluations

    return [
        path(
            "kelas/kalender/",
            classroom_calendar.BatchCalendarView.as_view(),
            name="lms_classroom_calendar",
        ),
        path(
            "kelas/pengajar/<int:pk>/penilaian/",
            classroom_evaluations.TrainerRatingsView.as_view(),
            name="lms_classroom_trainer_ratings",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_batch_calendar_menu_item():
    # Right after the trainer JP ledger (338).
    return HRMenuItem(
        _("Batch calendar"), reverse("lms_classroom_calendar"), icon_name="date", order=339
    )


@hooks.register("register_admin_urls")
def register_development_plan_urls():
    from lms.admin_views.development_plan import development_plan_admin_urls

    return development_plan_admin_urls()
