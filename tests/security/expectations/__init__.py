"""Per-area additions to the permission matrix (tests/security/url_expectations.py).

Each module here may define `EXPECTATIONS: dict[str, Expect]` and
`PREFIX_RULES: dict[str, dict[str, dict[str, Outcome]]]` (sample paths under a prefix that
already exists in the main table, or a new prefix). They are merged into the main tables
at import; a key defined twice is an error, so two areas cannot silently disagree."""
