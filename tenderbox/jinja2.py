"""The Jinja2 environment for Tenderbox pages: GOV.UK Frontend macros plus Django's helpers."""

from django.contrib.messages import get_messages
from django.middleware.csp import get_nonce
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from tenderbox.analytics.consent import current_choice
from tenderbox.lib.uk import region_name


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def csp_nonce(request) -> str:
    """The request's CSP nonce, generated on first use (a LazyNonce is falsy until then)."""
    nonce = get_nonce(request) if request is not None else None
    return "" if nonce is None else str(nonce)


def format_datetime(value) -> str:
    if not value:
        return ""
    local = timezone.localtime(value)
    return local.strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm")


def format_date(value) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def privacy_notice_banner(request):
    from tenderbox.privacy.notices import banner_for

    return banner_for(request) if request is not None else None


def layout_variant(request) -> str:
    """What the layout shows differently to two people who are not signed in on the same address, for
    the page cache (lib/pagecache.py): whether the cookie banner asks for a choice. (Messages, the
    other difference, keep a request out of the cache.)"""
    return "banner" if current_choice(request) is None else "chosen"


def static_directory(path: str) -> str:
    """The URL of a static directory. `static()` names files: in production the manifest storage
    knows only hashed files and refuses a directory, so GOV.UK's assetPath is built from STATIC_URL
    (the files under it are served by WhiteNoise by their plain names too)."""
    from django.conf import settings

    return settings.STATIC_URL.rstrip("/") + "/" + path.strip("/")


def environment(**options) -> Environment:
    app_loader = options.pop("loader")
    # The GOV.UK macros import each other as "govuk_frontend_jinja/...": serve them under that name.
    govuk = PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")})
    env = Environment(loader=ChoiceLoader([app_loader, govuk]), extensions=["jinja2.ext.do"], **options)
    env.globals.update(
        {
            "static": static,
            "static_directory": static_directory,
            "url": url,
            "get_messages": get_messages,
            "csp_nonce": csp_nonce,
            "region_name": region_name,
            "cookie_choice": current_choice,  # None until the person chooses: the banner asks
            "privacy_notice_banner": privacy_notice_banner,  # a new privacy notice, until accepted
        }
    )
    env.filters.update({"datetime": format_datetime, "date": format_date})
    return env
