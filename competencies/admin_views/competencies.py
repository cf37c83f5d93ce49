"""The competency dictionary in the Wagtail admin: each competency with its five
proficiency levels (the standard a position requires is edited with the position)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet

from competencies.admin_views.base import AuditedCreateView, AuditedEditView, scoped_usage_view
from competencies.forms import CompetencyAdminForm
from competencies.models import Competency
from competencies.services.competencies import competency_create, competency_update


class CompetencyCreateView(AuditedCreateView):
    create_service = staticmethod(competency_create)
    instance_kwarg = "competency"


class CompetencyEditView(AuditedEditView):
    update_service = staticmethod(competency_update)
    instance_kwarg = "competency"


class CompetencyViewSet(ModelViewSet):
    model = Competency
    url_prefix = "kompetensi/kamus"
    url_namespace = "competencies_competency"
    icon = "tasks"
    menu_label = gettext_lazy("Competency dictionary")
    add_to_admin_menu = False
    add_view_class = CompetencyCreateView
    edit_view_class = CompetencyEditView
    usage_view_class = scoped_usage_view(lambda user: Competency.objects.all())
    copy_view_enabled = False
    list_display = [
        "code",
        Column("name_id", label=gettext_lazy("Name")),
        "kind",
        BooleanColumn("is_active"),
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name_id", "name_en"]
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("name_id"), FieldPanel("name_en")]),
        FieldPanel("description_id"),
        FieldPanel("description_en"),
        FieldPanel("is_active"),
        InlinePanel("levels", heading=gettext_lazy("Proficiency levels"), label=gettext_lazy("Level"), min_num=5, max_num=5),
    ], base_form_class=CompetencyAdminForm)  # fmt: skip
