import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()


def freeze_startup_objects() -> None:
    """Moves everything loaded at start-up (Django, Wagtail, the apps, the URLconf and
    the views it imports) out of the garbage collector's reach: those objects live as
    long as the process, yet every full collection walked all 300,000 of them. A request
    that allocates many objects (a report, 70,000 gap rows) triggers such collections,
    which pause whichever request they land in: they were a sixth of the development
    plan report's time (65 ms, 26 ms after). docs/performance.md, "Garbage collection"."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imported now, so that it is frozen too
    gc.freeze()


freeze_startup_objects()
