from django.urls import path

from competencies import views

app_name = "competencies"

urlpatterns = [
    path("profil/", views.competency_profile, name="profile"),
    path("profil/nilai-diri/", views.self_assessment, name="self_assessment"),
    path("tim/", views.team, name="team"),
    path("tim/<int:pk>/nilai/", views.rate_employee, name="rate_employee"),
    path("riwayat/", views.training_records, name="records"),
    path("riwayat/tambah/", views.training_record_add, name="record_add"),
    path("riwayat/<int:pk>/bukti/", views.training_record_proof, name="record_proof"),
    path("penilaian/<int:pk>/bukti/", views.assessment_evidence, name="assessment_evidence"),
    path("riwayat/transkrip/", views.transcript, name="transcript"),
    path("riwayat/transkrip/pdf/", views.transcript_pdf, name="transcript_pdf"),
    path("riwayat/transkrip/<int:pk>/", views.transcript, name="transcript_for"),
    path("riwayat/transkrip/<int:pk>/pdf/", views.transcript_pdf, name="transcript_pdf_for"),
]
