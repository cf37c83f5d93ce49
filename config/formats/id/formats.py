"""Indonesian date formats, overriding Django's where its short month names disagree.

Django's `N` (AP-style month) for Indonesian gives "Agu" but "Des.", so "14 Agu 2026"
stood next to "6 Des. 2026". `M` is always the three-letter month without a full stop.
Everything not set here (numbers, SHORT_DATE_FORMAT, input formats) is Django's."""

DATE_FORMAT = "j M Y"  # 6 Des 2026
DATETIME_FORMAT = "j M Y, H.i"  # 6 Des 2026, 14.05
