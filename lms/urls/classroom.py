"""Classroom training on the portal, under /learning/kelas/ (docs/classroom.md)."""

from django.urls import path

from lms.views import classroom as views

app_name = "classroom"

urlpatterns = [
    path("", views.my_classroom, name="my"),
    path("angkatan/<int:pk>/daftar/", views.apply, name="apply"),
    path("angkatan/<int:pk>/surat-panggilan.pdf", views.calling_letter, name="calling_letter"),
    path("angkatan/<int:pk>/jadwal.ics", views.calendar_ics, name="calendar_ics"),
    path("nominasi/<int:pk>/mundur/", views.withdraw, name="withdraw"),
    path("angkatan/<int:pk>/qr-saya/", views.my_qr, name="my_qr"),
    path("hadir/<int:session_id>/", views.check_in, name="check_in"),
    path("hadir/<int:session_id>/kode/", views.check_in_code, name="check_in_code"),
    path("tim/", views.team, name="team"),
    path("tim/nominasikan/", views.nominate, name="nominate"),
    path("tim/nominasi/<int:pk>/jawab/", views.endorse, name="endorse"),
    path("panitia/", views.committee, name="committee"),
    path("panitia/sesi/<int:pk>/", views.session_board, name="session_board"),
    path("panitia/sesi/<int:pk>/tandai/", views.mark, name="mark"),
    path("panitia/sesi/<int:pk>/qr/", views.qr_screen, name="qr"),
    path("panitia/sesi/<int:pk>/kode/", views.code_screen, name="code"),
    path("panitia/pindai/", views.scan, name="scan"),
    path("panitia/sesi/<int:pk>/daftar-hadir.pdf", views.attendance_pdf, name="attendance_pdf"),
]
