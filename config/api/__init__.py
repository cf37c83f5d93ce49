"""The REST API for HR systems at /api/v1/ (docs/api.md): wiring shared by the
per-app endpoint modules (accounts/api.py, competencies/api.py, lms/api.py)."""
