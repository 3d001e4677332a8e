"""CatalogueVM: the demos a visitor can practise, grouped by service, in the visitor's language.

Packs are read and validated on a worker thread at start-up (the UI thread never waits on the
disk); the result comes back to the UI thread through ``Clock.schedule_once``.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ListProperty, StringProperty

from kiosk.ui.i18n import N_

log = logging.getLogger(__name__)

#: Service names in the catalogue, in the order shown (the kiosk's own words, translated).
SERVICES = {
    "suomifi": N_("Suomi.fi identification"),
    "valtuudet": N_("Suomi.fi e-Authorizations"),
    "kela": N_("Kela"),
    "omakanta": N_("OmaKanta"),
    "health": N_("Health services"),
    "bank": N_("Online bank"),
    "omavero": N_("OmaVero (tax)"),
    "library": N_("Library"),
    "other": N_("Other services"),
}


class CatalogueVM(EventDispatcher):
    """``groups``: ``[{"service": id, "demos": [{"id", "title", "minutes", "level",
    "language"}]}]`` for ``language``; ``language`` of a demo differs from the visitor's when
    the demo does not exist in the visitor's language (the card says so)."""

    __events__ = ("on_loaded",)
    loading = BooleanProperty(True)
    language = StringProperty("fi")
    groups = ListProperty()

    def __init__(self, folders: list[Path], fallback: str = "fi", **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._folders = folders
        self._fallback = fallback
        self.result = None
        self.bind(language=lambda *_: self._regroup())

    def load_in_background(self) -> None:
        threading.Thread(target=self._load, name="pack-loader", daemon=True).start()

    def load_now(self) -> None:
        """Load on this thread (screenshots and tests that need the demos at once)."""
        from kiosk.packs.loader import load_packs

        self._loaded(load_packs(self._folders))

    def _load(self) -> None:
        from kiosk.packs.loader import load_packs

        result = load_packs(self._folders)
        Clock.schedule_once(lambda _dt: self._loaded(result))

    def _loaded(self, result) -> None:  # noqa: ANN001
        self.result = result
        for problem in result.problems:
            log.warning("demo pack problem: %s", problem)
        self.loading = False
        self._regroup()
        self.dispatch("on_loaded")

    def root_of(self, demo) -> Path:  # noqa: ANN001
        """The folder of the pack that holds ``demo`` (images are found relative to it)."""
        for pack in self.result.packs if self.result is not None else []:
            if any(d.id == demo.id for d in pack.demos):
                return pack.root
        raise KeyError(demo.id)

    def find(self, demo_id: str):  # noqa: ANN201
        return self.result.find_demo(demo_id) if self.result is not None else None

    def language_for(self, demo) -> str:  # noqa: ANN001
        """The visitor's language if the demo has it, else the site's fallback or its first."""
        langs = demo.pack_languages
        if self.language in langs:
            return self.language
        return self._fallback if self._fallback in langs else langs[0]

    def _regroup(self) -> None:
        if self.result is None:
            return
        by_service: dict[str, list[dict[str, object]]] = {}
        for demo in self.result.demos:
            lang = self.language_for(demo)
            by_service.setdefault(demo.service, []).append(
                {
                    "id": demo.id,
                    "title": demo.title.get(lang),
                    "minutes": demo.minutes,
                    "level": demo.level,
                    "language": lang,
                }
            )
        order = list(SERVICES)
        self.groups = [
            {"service": s, "demos": by_service[s]}
            for s in sorted(by_service, key=lambda s: order.index(s) if s in order else 99)
        ]

    def on_loaded(self) -> None:
        pass


def pack_folders(bundled: bool, extra: list[str], root: Path) -> list[Path]:
    """Where packs are read from: the bundled ones (if enabled) and the site's folders."""
    folders = [root / "assets" / "packs"] if bundled else []
    return folders + [Path(p) for p in extra]
