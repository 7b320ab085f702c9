"""ASGI entry point (unused in production: these sync views are faster under WSGI)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tenderbox.settings")
application = get_asgi_application()
