"""Translations for the kiosk's own words, from gettext catalogues in ``assets/locale/``.

KV writes ``text: app.tr._("Call a helper")``. :class:`Translator` is a Kivy ``Observable``
that remembers every KV rule which called ``_`` and re-runs them when the language changes,
so the current screen re-renders in place. Demo texts do not come through here: they live in
the packs, in every language the pack declares.
"""

from __future__ import annotations

import gettext
import itertools
from pathlib import Path
from typing import Any

from kivy.event import Observable

LOCALE_DIR = Path(__file__).resolve().parents[2] / "assets" / "locale"
DOMAIN = "kiosk"  # the same as kiosk.ui.i18n_build.DOMAIN (which must not import Kivy)


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark ``text`` for translation where it is defined; it is translated where it is shown."""
    return text


def load_catalogues(languages: list[str], locale_dir: Path = LOCALE_DIR) -> dict[str, Any]:
    """The compiled catalogue of each language; a missing one falls back to the source text."""
    found: dict[str, Any] = {}
    for lang in languages:
        try:
            found[lang] = gettext.translation(DOMAIN, str(locale_dir), languages=[lang])
        except OSError:
            found[lang] = gettext.NullTranslations()
    return found


class Translator(Observable):
    """``_`` translates into the current language; :meth:`switch` changes it everywhere at once."""

    def __init__(self, languages: list[str], language: str, locale_dir: Path = LOCALE_DIR) -> None:
        super().__init__()
        self.language = language
        self._catalogues = load_catalogues(languages, locale_dir)
        self._observers: dict[int, tuple[Any, tuple[Any, ...]]] = {}
        self._uids = itertools.count(1)

    def _(self, text: str) -> str:
        return self._catalogues[self.language].gettext(text)

    def in_language(self, text: str, language: str) -> str:
        """``text`` in another language than the current one (the welcome screen cycles)."""
        return self._catalogues[language].gettext(text)

    def switch(self, language: str) -> None:
        """Make ``language`` current and re-run every KV rule that translated a text."""
        if language == self.language:
            return
        self.language = language
        for uid, (func, largs) in list(self._observers.items()):
            try:
                func(*largs, None, None)
            except ReferenceError:
                # The widget behind this rule is gone; forget it.
                self._observers.pop(uid, None)

    # Kivy's KV compiler binds to ``_`` through these two methods.
    def fbind(self, name: str, func: Any, *largs: Any, **kwargs: Any) -> int:
        if name != "_":
            return super().fbind(name, func, *largs, **kwargs)
        uid = next(self._uids)
        self._observers[uid] = (func, largs)
        return uid

    def unbind_uid(self, name: str, uid: int) -> None:
        if name != "_":
            return super().unbind_uid(name, uid)
        self._observers.pop(uid, None)

    def funbind(self, name: str, func: Any, *largs: Any, **kwargs: Any) -> None:
        if name != "_":
            return super().funbind(name, func, *largs, **kwargs)
        for uid, (f, a) in list(self._observers.items()):
            if f == func and a == largs:
                del self._observers[uid]
