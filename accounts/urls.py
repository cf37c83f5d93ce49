from django.urls import path

from accounts import views

urlpatterns = [
    path("profile/", views.profile, name="account_profile"),
    path("notifications/", views.notifications, name="account_notifications"),
    path("notifications/read/", views.notifications_mark_read, name="account_notifications_read"),
    path("notifications/<int:pk>/", views.notifications_open, name="account_notification_open"),
    path(
        "notifications/settings/",
        views.notification_preferences,
        name="account_notification_preferences",
    ),
]
