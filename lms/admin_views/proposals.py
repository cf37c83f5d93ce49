"""HR's screen for training-need proposals in the Wagtail admin (registered in
lms/wagtail_hooks.py): a scoped listing and an "answer" form that goes through
`lms.services.proposals.proposal_answer` (audit, notices)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.models import DeleteView, EditView, IndexView, InspectView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminPageChooser
from wagtail.permission_policies import ModelPermissionPolicy

from lms.models import CoursePage, TrainingNeedProposal
from lms.selectors.proposals import proposal_list_for_hr
from lms.services.proposals import proposal_answer


class ProposalPermissionPolicy(ModelPermissionPolicy):
    """HR managers and administrators read and answer proposals; nobody adds or
    deletes them in the admin (employees propose on the portal)."""

    def user_has_permission(self, user, action):
        return action in ("view", "change") and user.has_perm("portal.access_hr")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)


class ProposalAnswerForm(WagtailAdminModelForm):
    class Meta:
        model = TrainingNeedProposal
        fields = ["status", "planned_course", "response"]
        widgets = {"planned_course": AdminPageChooser(target_models=[CoursePage])}

    notify_supporters = forms.BooleanField(
        label=_("Also notify the supporters"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            c for c in self.fields["status"].choices if c[0] != TrainingNeedProposal.Status.OPEN
        ]


class ScopedProposalObjectMixin:
    """For views whose listing is something else (history: log entries; usage: references)
    but whose proposal must be in the HR manager's scope: Wagtail looks it up through
    `_default_manager` otherwise."""

    request: Any

    def get_base_object_queryset(self):
        return proposal_list_for_hr(self.request.user)


class ScopedProposalQuerysetMixin:
    """For the single-object views (edit, delete, inspect)."""

    request: Any

    def get_queryset(self):
        return proposal_list_for_hr(self.request.user)


class ProposalIndexView(IndexView):
    def get_base_queryset(self):
        return proposal_list_for_hr(self.request.user)


class ProposalHistoryView(ScopedProposalObjectMixin, HistoryView):
    pass


class ProposalUsageView(ScopedProposalObjectMixin, UsageView):
    pass


class ProposalDeleteView(ScopedProposalQuerysetMixin, DeleteView):
    """Nobody deletes proposals (the permission policy refuses); scoped all the same,
    because Wagtail loads the object before it checks the permission."""


class ProposalInspectView(ScopedProposalQuerysetMixin, InspectView):
    """Disabled in the viewset; scoped in case it is turned on (Wagtail's looks the
    object up on the model directly)."""

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=unquote(str(self.pk)))


class ProposalAnswerView(ScopedProposalQuerysetMixin, EditView):
    page_title = _("Answer the proposal")
    success_message = _("The answer to '%(object)s' was saved.")

    def form_valid(self, form):
        proposal: TrainingNeedProposal = self.object  # type: ignore[has-type]
        try:
            self.object = proposal_answer(
                proposal=proposal,
                actor=self.request.user,
                status=form.cleaned_data["status"],
                planned_course=form.cleaned_data.get("planned_course"),
                response=form.cleaned_data.get("response") or "",
                notify_supporters=form.cleaned_data.get("notify_supporters", True),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        self.form = form
        return self.save_action()


class TrainingNeedProposalViewSet(ModelViewSet):
    model = TrainingNeedProposal
    url_prefix = "usulan-kebutuhan"
    url_namespace = "lms_need_proposals"
    icon = "help"
    menu_label = _("Training-need proposals")
    menu_order = 335
    add_to_admin_menu = True
    index_view_class = ProposalIndexView
    edit_view_class = ProposalAnswerView
    history_view_class = ProposalHistoryView
    usage_view_class = ProposalUsageView
    delete_view_class = ProposalDeleteView
    inspect_view_class = ProposalInspectView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "topic",
        "competency",
        "unit",
        Column("vote_count", label=_("Supporters"), accessor="vote_count"),
        "status",
        "created_at",
    ]
    list_filter = ["status", "competency"]
    search_fields = ["topic", "reason"]
    search_backend_name = None
    form_fields = ["status", "planned_course", "response"]
    edit_handler = ObjectList(
        [
            FieldPanel("status"),
            FieldPanel("planned_course"),
            FieldPanel("response"),
            FieldPanel("notify_supporters"),
        ],
        base_form_class=ProposalAnswerForm,
    )
