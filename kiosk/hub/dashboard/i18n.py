"""The dashboard's words, from the gettext catalogues ``assets/locale/{fi,sv,en}/LC_MESSAGES/
dashboard.po`` (built into ``.mo`` by ``python -m kiosk.ui.i18n_build compile``, which every
``make`` set-up runs).

Source texts (msgids) are English; ``{name}`` placeholders are filled with ``str.format`` when
values are given, as the kiosk's catalogue does. Templates call ``_("...")`` and
``pgettext("context", "...")`` (Jinja2's i18n extension, one environment per language);
Python code calls :func:`catalogue` ``(lang).gettext``; the queue page's script gets its texts
from :func:`script_texts` inside the page's JSON. See docs/dashboard.md.
"""

from __future__ import annotations

import gettext
import logging
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

LOCALE_DIR = Path(__file__).resolve().parents[3] / "assets" / "locale"
DOMAIN = "dashboard"  # the same as kiosk.ui.i18n_build.DASHBOARD.name
LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
# Each language by its own name (not translated).
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
# The visitor's language as shown to staff: kiosks also offer Northern Sámi.
VISITOR_LANGUAGES = {**LANGUAGE_NAMES, "se": "Davvisámegiella"}
TEMPLATES = Path(__file__).parent / "templates"
LANG_COOKIE = "kiosk_dashboard_lang"  # the language chosen with the page's links, remembered

log = logging.getLogger(__name__)


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark ``text`` for translation where it is defined; it is translated where it is shown."""
    return text


# Texts that more than one page shows.
FORM_EXPIRED = N_("The form expired. Please try again.")
NO_ACCESS = N_("You do not serve this site.")
FILL_ALL = N_("Please fill in every field.")


class Catalogue:
    """One language's texts. Jinja2's ``install_gettext_translations`` takes it as it is, so
    templates and Python fill placeholders the same way: ``_("Taken by {name}", name=...)``."""

    def __init__(self, translations: gettext.NullTranslations) -> None:
        self._translations = translations

    def gettext(self, message: str, /, **values: object) -> str:
        text = self._translations.gettext(message)
        return text.format(**values) if values else text

    def pgettext(self, context: str, message: str, /, **values: object) -> str:
        text = self._translations.pgettext(context, message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        text = self._translations.ngettext(singular, plural, n)
        return text.format(**values) if values else text

    def npgettext(
        self, context: str, singular: str, plural: str, n: int, /, **values: object
    ) -> str:
        text = self._translations.npgettext(context, singular, plural, n)
        return text.format(**values) if values else text


def pick_language(requested: str | None) -> str:
    return requested if requested in LANGUAGES else DEFAULT_LANGUAGE


def request_language(request: Request) -> str:
    """The page's language: ``?lang=`` (a language link), else the remembered one, else Finnish."""
    return pick_language(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE))


def catalogue(lang: str) -> Catalogue:
    """The compiled catalogue of ``lang`` (an unknown language gets Finnish's)."""
    return _catalogue(pick_language(lang))


def environment(lang: str) -> Environment:
    """The Jinja2 environment whose ``_``/``gettext``/``pgettext`` speak ``lang``."""
    return _environment(pick_language(lang))


@cache
def _catalogue(lang: str) -> Catalogue:
    translations: gettext.NullTranslations
    try:
        translations = gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[lang])
    except OSError:
        # The English source texts, rather than no page at all.
        log.warning(
            "no compiled dashboard catalogue for %s in %s; run `make setup`", lang, LOCALE_DIR
        )
        translations = gettext.NullTranslations()
    return Catalogue(translations)


@cache
def _environment(lang: str) -> Environment:
    # One environment per language, made once: installing the translations into a shared one
    # at each request would race between requests rendered at the same time.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(catalogue(lang), newstyle=False)  # type: ignore[attr-defined]
    return env


def script_texts(lang: str) -> dict[str, str]:
    """The texts the queue page's script (dashboard.js) uses as ``T.<key>``, in ``lang``."""
    c = catalogue(lang)
    _ = c.gettext
    return {
        "network_error": _("The connection to the server failed. Please try again."),
        "minutes_seconds": _("{m} min {s} s"),
        "doing": _("Doing"),
        "stuck": _("stuck for {m} min"),
        "language": _("Language"),
        "large_text": _("Large text {size} %"),
        "read_aloud": _("Read aloud on"),
        "no_topic": _("(no topic)"),
        "taken_by": _("Taken by {name}"),
        "waiting": c.pgettext("request state", "Waiting"),
        "message_sent": _("Message sent: {text}"),
        "failed": _("Did not work: {detail}"),
        "fill_all": _(FILL_ALL),
        "helpers_on_duty": _("On duty: {names}"),
        "nobody_on_duty": _("Nobody on duty"),
        "go_on_duty": _("Go on duty"),
        "go_off_duty": _("Go off duty"),
        "new_request": _("New request: {place}"),
        "escalated_alert": _("Waited too long: {place}"),
        "live": _("Live"),
        "reconnecting": _("Reconnecting…"),
    }
