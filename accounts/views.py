from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from allauth.mfa.utils import is_mfa_enabled

from accounts.http import AuthenticatedRequest
from accounts.models import Notification, NotificationKind, NotificationPreference
from accounts.notifications import notice_render
from accounts.roles import user_requires_mfa
from accounts.services import notification_mark_read, notification_preferences_save


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "account/profile.html",
        {
            "mfa_enabled": is_mfa_enabled(request.user),
            "mfa_required": user_requires_mfa(request.user),
        },
    )


@login_required
def notifications(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(
        Notification.objects.filter(user=request.user).order_by("-created_at", "-id"), 20
    ).get_page(request.GET.get("p"))
    items = [(n, notice_render(n)) for n in page.object_list]
    return render(request, "account/notifications.html", {"page": page, "items": items})


@login_required
@require_POST
def notifications_mark_read(request: AuthenticatedRequest) -> HttpResponse:
    ids = request.POST.getlist("id")
    notification_mark_read(
        user=request.user, notification_ids=[int(i) for i in ids if i.isdecimal()] or None
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("account_notifications")
    return redirect(target)


@login_required
def notifications_open(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Marks one notice read and follows its link."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(user=request.user, notification_ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("account_notifications")


@login_required
def notification_preferences(request: AuthenticatedRequest) -> HttpResponse:
    off = set(
        NotificationPreference.objects.filter(user=request.user, email=False).values_list(
            "kind", flat=True
        )
    )
    if request.method == "POST":
        wanted = set(request.POST.getlist("email"))
        notification_preferences_save(
            user=request.user, email_off=set(NotificationKind.values) - wanted
        )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("account_notification_preferences")
    kinds = [(kind, label, kind not in off) for kind, label in NotificationKind.choices]
    return render(request, "account/notification_preferences.html", {"kinds": kinds})
