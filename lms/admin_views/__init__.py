"""Wagtail admin views, one module per topic (admin_views/<topic>.py), registered in
lms/wagtail_hooks.py."""
