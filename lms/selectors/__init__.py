"""Reads for the LMS, one module per topic (catalogue, courses, quizzes, dashboard, trainer,
certificates, assignments, team, proposals, public, privacy, heartbeat)."""
