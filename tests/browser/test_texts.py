"""Every dashboard text is in the ``dashboard`` gettext catalogue in Finnish, Swedish and English,
with the same placeholders as its English source; the script asks only for texts it is given."""

from __future__ import annotations

import re
import shutil
import string
from pathlib import Path
from typing import get_args

from babel.messages.pofile import read_po, write_po

from kiosk.hub.dashboard import i18n
from kiosk.hub.dashboard.routes import HERE, NEED_TYPES, STATE_NAMES
from kiosk.protocol.common import NeedType, RequestState
from kiosk.ui.i18n_build import DASHBOARD, LANGUAGES, LOCALE_DIR, extract, missing, po_path


def placeholders(value: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(value) if name}


def test_every_dashboard_text_has_fi_sv_and_en() -> None:
    assert missing(domain=DASHBOARD) == []


def test_translations_keep_the_placeholders_of_the_source_text() -> None:
    problems = []
    for lang in LANGUAGES:
        with open(po_path(lang, domain=DASHBOARD), "rb") as src:
            for message in read_po(src, locale=lang):
                if message.id and placeholders(message.string) != placeholders(message.id):
                    problems.append(f"{lang}: {message.id!r} -> {message.string!r}")
    assert problems == []


def test_a_missing_swedish_text_is_reported(tmp_path: Path) -> None:
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy)
    path = po_path("sv", copy, DASHBOARD)
    with open(path, "rb") as src:
        catalog = read_po(src, locale="sv")
    catalog.get("Log in", "login button").string = ""
    with open(path, "wb") as out:
        write_po(out, catalog)
    assert missing(copy, DASHBOARD) == [
        f"{path}: no translation for 'Log in' (context 'login button')"
    ]


def test_texts_are_found_in_templates_and_python() -> None:
    found = {(m.id, m.context) for m in extract(DASHBOARD)}
    assert ("Log out", None) in found  # base.html
    assert ("Log in", "login form heading") in found  # login.html, pgettext
    assert ("Taken by {name}", None) in found  # i18n.script_texts, for the script
    assert ("Buying a device", None) in found  # routes.NEED_TYPES, N_()
    assert ("Kiosk revoked", None) in found  # assist_pages._ACTIONS, N_()
    # The kiosk's catalogue does not take the dashboard's texts.
    kiosk_files = {path for m in extract() for path, _ in m.locations}
    assert kiosk_files and not [p for p in kiosk_files if p.startswith("kiosk/hub/dashboard/")]


def test_the_runtime_reads_the_catalogue_the_build_writes() -> None:
    assert i18n.DOMAIN == DASHBOARD.name
    assert i18n.LOCALE_DIR == LOCALE_DIR
    assert i18n.LANGUAGES == LANGUAGES


def test_templates_use_gettext_only() -> None:
    for template in (HERE / "templates").glob("*.html"):
        text = template.read_text()
        assert not re.search(r"\bt\(", text), template.name  # the old texts.py lookup
        assert "{% trans" not in text, template.name  # placeholders are {name}, not %(name)s


def test_the_script_uses_only_texts_it_is_given() -> None:
    script = (HERE / "static" / "dashboard.js").read_text()
    used = set(re.findall(r"\bT\.([a-z_]+)", script))
    assert len(used) > 15  # the scan itself found the texts
    for lang in LANGUAGES:
        given = i18n.script_texts(lang)
        assert sorted(used - set(given)) == []
        assert sorted(set(given) - used) == []


def test_need_types_and_states_match_the_protocol() -> None:
    assert set(NEED_TYPES) == set(get_args(NeedType))
    assert set(STATE_NAMES) == set(get_args(RequestState))


def test_texts_in_each_language_and_unknown_language_falls_back_to_finnish() -> None:
    assert i18n.pick_language("de") == "fi"
    assert i18n.catalogue("sv").pgettext("login button", "Log in") == "Logga in"
    assert i18n.catalogue("fi").pgettext("login form heading", "Log in") == "Kirjaudu sisään"
    assert i18n.catalogue("en").gettext("Taken by {name}", name="Anna") == "Taken by Anna"
    assert i18n.catalogue("de").gettext("Taken by {name}", name="Anna") == "Ottanut: Anna"
    assert i18n.script_texts("sv")["waiting"] == "Väntar"


def test_pages_render_in_the_request_language() -> None:
    template = i18n.environment("sv").get_template("error.html")
    page = template.render(message=i18n.NO_ACCESS, languages={}, prefix="/dashboard", lang="sv")
    assert "Du har inte behörighet till detta ställe." in page
    assert "<title>Digistöd – hjälpkö</title>" in page
