"""Every text of the kiosk's own UI is translated into Finnish, Swedish and English."""

import shutil

from babel.messages.pofile import read_po, write_po

from kiosk.ui.i18n_build import LOCALE_DIR, extract, missing, po_path


def test_every_ui_text_has_fi_sv_and_en():
    assert missing() == []


def test_texts_are_found_in_kv_and_python():
    ids = {m.id for m in extract()}
    assert "Call a helper" in ids  # in shell.kv
    assert "Touch the screen to start" in ids  # in welcome.kv, through in_language()


def test_a_missing_swedish_text_is_reported(tmp_path):
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy)
    path = po_path("sv", copy)
    with open(path, "rb") as src:
        catalog = read_po(src, locale="sv")
    catalog["Call a helper"].string = ""
    with open(path, "wb") as out:
        write_po(out, catalog)
    assert missing(copy) == [f"{path}: no translation for 'Call a helper'"]
