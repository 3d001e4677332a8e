"""The walkthrough player: the instruction on the left, the practice screen on the right.

The step's practice screen is redrawn whenever the VM moves to another step; the target gets an
outline and an arrow, stronger after a second wrong try. Step back, Repeat and Stop stay at the
bottom of every step; Call a helper and End session in the frame below them.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import ObjectProperty

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import mock  # noqa: F401  (registers MockFrame for KV)


class DemoScreen(KioskScreen):
    """``vm`` is the PlayerVM; ``words`` the kiosk's translations; ``pack_root(demo)`` a folder."""

    words = ObjectProperty(None)
    pack_root = ObjectProperty(None)
    targets: dict = {}

    def on_kv_post(self, base_widget) -> None:  # noqa: ANN001
        # The VM arrives with the constructor's arguments, before KV made ``ids``.
        vm = self.vm
        vm.bind(on_step=self.draw_step, help_level=self.mark_target, showing=self.mark_target)
        self.ids.frame.bind(on_component=lambda _f, cid, opt: vm.touched(cid, opt))
        self.draw_step()

    def draw_step(self, *_: object) -> None:
        vm = self.vm
        if vm is None or vm.current_step is None or vm.demo is None:
            return
        self.targets = self.ids.frame.build(
            vm.current_step.screen, vm.language, self.words, self.pack_root(vm.demo), vm.typed
        )
        self.mark_target()

    def target_widgets(self) -> list:
        step = self.vm.current_step if self.vm is not None else None
        if step is None or step.target is None:
            return []
        widgets = self.targets.get(step.target, [])
        if step.action.kind == "choose":
            widgets = [w for w in widgets if w.option_id == step.action.option]
        return widgets

    def mark_target(self, *_: object) -> None:
        """Outline the target (stronger from the second wrong try) and scroll it into view."""
        level = 2 if self.vm.help_level >= 2 or self.vm.showing else 1
        for widgets in self.targets.values():
            for w in widgets:
                w.highlight = 0
        wanted = self.target_widgets()
        for w in wanted:
            w.highlight = level
        if wanted:
            Clock.schedule_once(lambda _dt: self._scroll_to(wanted[0]), 0)

    def _scroll_to(self, widget) -> None:  # noqa: ANN001
        page = self.ids.frame.ids.page
        if widget.parent is not None:
            page.scroll_to(widget, padding=40, animate=False)


load_kv(__file__)
