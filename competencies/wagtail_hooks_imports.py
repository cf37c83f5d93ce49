"""Import and export screens in the Wagtail admin, for HR managers and administrators."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.roles import Role, has_role
from competencies.admin_views import imports as admin_views

urlpatterns = [
    path("", admin_views.import_index, name="index"),
    path("preview/", admin_views.import_preview, name="preview"),
    path("commit/", admin_views.import_commit, name="commit"),
    path(
        "template/<str:kind>/<str:file_format>/",
        admin_views.import_template_download,
        name="template",
    ),
    path("export/<str:kind>/<str:file_format>/", admin_views.export_download, name="export"),
]


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path(
            "hr/import-export/",
            include((urlpatterns, "competencies_imports"), namespace="competencies_imports"),
        )
    ]


class HRMenuItem(MenuItem):
    def is_shown(self, request):
        return has_role(request.user, Role.PENGELOLA_SDM, Role.ADMINISTRATOR)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return HRMenuItem(
        _("Import & export"),
        reverse("competencies_imports:index"),
        name="hr-import-export",
        icon_name="upload",
        order=420,
    )
