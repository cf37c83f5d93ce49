"""Reads for competencies, one module per topic: hr_scope, levels, gaps, jp, compliance,
records. Import from the topic module."""
