"""Resolve the visitor's call for help from the kiosk, with its outcome as on the dashboard:
the need, the level (AUTA 1-4), the service area, and whether it was done on the visitor's
behalf (staff roles only). ``vm`` is the AssistVM."""

from __future__ import annotations

from kiosk.ui.i18n import N_
from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.viewmodels.assist import NEED_TYPES
from kiosk.ui.widgets.common import KButton

NEED_NAMES = {
    "no_device": N_("No own device"),
    "buying_device": N_("Buying a device"),
    "own_device_guidance": N_("Own device or content guidance"),
    "try_safely": N_("Try safely"),
    "service_instructions": N_("Instructions for a specific service"),
    "other": N_("Other"),
}


class ChoiceButton(KButton):
    """A choice of the form; ``role`` shows whether it is chosen (set by the screen)."""


class AssistResolveScreen(KioskScreen):
    def on_kv_post(self, base_widget) -> None:  # noqa: ANN001
        self.vm.bind(
            need_type=self._fill, level=self._fill, resolve_area=self._fill, areas=self._fill
        )
        self.session.bind(language=self._fill)
        self._fill()

    def on_pre_enter(self, *_: object) -> None:
        self._fill()

    def _fill(self, *_: object) -> None:
        _ = self.vm.translate
        vm = self.vm
        self._choices(
            "needs",
            [(k, _(NEED_NAMES[k]), vm.need_type == k) for k in NEED_TYPES],
            lambda k: setattr(vm, "need_type", k),
        )
        self._choices(
            "levels",
            [(str(n), str(n), vm.level == n) for n in (1, 2, 3, 4)],
            lambda k: setattr(vm, "level", int(k)),
        )
        self._choices(
            "areas",
            [(str(i), a, vm.resolve_area == a) for i, a in enumerate(vm.areas)],
            lambda k: setattr(vm, "resolve_area", vm.areas[int(k)]),
        )

    def _choices(self, box_id: str, items: list, choose) -> None:  # noqa: ANN001
        box = self.ids[box_id]
        box.clear_widgets()
        for key, text, chosen in items:
            button = ChoiceButton(
                text=text,
                test_name=f"resolve_{box_id}_{key}",
                role="primary" if chosen else "secondary",
            )
            button.bind(on_release=lambda *_a, k=key: choose(k))
            box.add_widget(button)


load_kv(__file__)
