"""Individual development plans on the portal, under /learning/idp/ (docs/idp.md)."""

from django.urls import path

from lms.views import idp as views

app_name = "idp"

urlpatterns = [
    path("", views.my_idp, name="my"),
    path("pegawai/<int:employee_id>/", views.employee_idps, name="employee"),
    path("pegawai/<int:employee_id>/buat/", views.idp_create, name="create"),
    path("<int:pk>/", views.idp_detail, name="detail"),
    path("<int:pk>/sasaran/", views.idp_goal_add, name="goal_add"),
    path("<int:pk>/usulkan/", views.idp_propose, name="propose"),
    path("<int:pk>/setujui/", views.idp_agree, name="agree"),
    path("<int:pk>/ubah/", views.idp_reopen, name="reopen"),
    path("<int:pk>/tinjauan/<str:stage>/", views.idp_review, name="review"),
    path("sasaran/<int:pk>/hapus/", views.idp_goal_delete, name="goal_delete"),
    path("sasaran/<int:goal_id>/kegiatan/", views.idp_activity_add, name="activity_add"),
    path("kegiatan/<int:pk>/hapus/", views.idp_activity_delete, name="activity_delete"),
    path("kegiatan/<int:activity_id>/sesi/", views.coaching_session_log, name="session_log"),
    path("sesi/<int:pk>/konfirmasi/", views.coaching_session_confirm, name="session_confirm"),
]
