"""Catalogue: the demos, grouped by service, as big cards with title, minutes and who it suits."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.i18n import N_
from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.viewmodels.catalogue import SERVICES
from kiosk.ui.widgets.common import KHeading

#: Who a demo suits, by the AUTA level it is written for (4 = cannot use e-services yet).
LEVELS = {
    1: N_("For experienced users"),
    2: N_("For those with some practice"),
    3: N_("For beginners"),
    4: N_("For beginners"),
}
ONLY_IN = {
    "fi": N_("Only in Finnish"),
    "sv": N_("Only in Swedish"),
    "en": N_("Only in English"),
}


class DemoCard(ButtonBehavior, BoxLayout):
    test_name = StringProperty("")
    title = StringProperty("")
    meta = StringProperty("")
    other_language = BooleanProperty(False)


class CatalogueScreen(KioskScreen):
    """``vm`` is the CatalogueVM; choosing a card calls ``choose_demo(demo_id)``."""

    choose_demo = ObjectProperty(None)
    words = ObjectProperty(None)

    def on_kv_post(self, base_widget) -> None:  # noqa: ANN001
        # The VM arrives with the constructor's arguments, before KV made ``ids``.
        self.vm.bind(groups=self.redraw, loading=self.redraw)
        self.redraw()

    def redraw(self, *_: object) -> None:
        """Rebuild the cards (after loading, and in the new language after a switch)."""
        column = self.ids.demos
        column.clear_widgets()
        if self.vm is None or self.words is None:
            return
        _ = self.words
        for group in self.vm.groups:
            column.add_widget(KHeading(text=_(SERVICES.get(group["service"], "Other services"))))
            for demo in group["demos"]:
                column.add_widget(self._card(demo, _))

    def _card(self, demo: dict, _) -> DemoCard:  # noqa: ANN001
        parts = [
            _("About {minutes} minutes").format(minutes=demo["minutes"]),
            _(LEVELS[demo["level"]]),
        ]
        other = demo["language"] != self.vm.language
        if other:
            parts.append(_(ONLY_IN.get(demo["language"], "Only in another language")))
        card = DemoCard(
            test_name=f"demo_{demo['id']}",
            title=demo["title"],
            meta=" · ".join(parts),
            other_language=other,
        )
        card.bind(on_release=lambda *_a, d=demo["id"]: self.choose_demo(d))
        return card


load_kv(__file__)
