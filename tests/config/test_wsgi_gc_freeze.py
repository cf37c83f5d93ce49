"""The WSGI module, which every gunicorn worker imports, moves what it loaded at start-up
out of the garbage collector's reach (config/wsgi.py, docs/performance.md)."""

from __future__ import annotations

import gc
import importlib
import sys

from django.urls import get_resolver


def test_importing_the_wsgi_module_freezes_the_loaded_objects():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    sys.modules.pop("config.wsgi", None)
    try:
        module = importlib.import_module("config.wsgi")
        frozen = gc.get_freeze_count()
        # The URLconf was loaded before the freeze, so its patterns are among the frozen.
        patterns = get_resolver().url_patterns
        assert frozen > 10_000
        assert not any(o is patterns for o in gc.get_objects())
        assert callable(module.application)
    finally:
        gc.unfreeze()
