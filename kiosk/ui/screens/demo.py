"""The walkthrough player: the instruction on the left, the practice screen on the right.

The practice screen follows the VM's step: its widgets are re-bound, not rebuilt (see
``MockFrame``), and the target is scrolled into view before the frame is drawn, so the first frame
after the visitor's action shows the whole step. The target gets an outline and an arrow, stronger
after a second wrong try. Step back, Repeat and Stop stay at the
bottom of every step; Call a helper and End session in the frame below them.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import ObjectProperty
from kivy.uix.widget import Widget

from kiosk.ui.frames import after_first_frame
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
        self._scroll_target = None
        self._scroll_tries = 0
        self._prepared_for = None
        self._scroll_trigger = Clock.create_trigger(self._scroll_to_target, -1)
        self.draw_step()

    def draw_step(self, *_: object) -> None:
        vm = self.vm
        if vm is None or vm.current_step is None or vm.demo is None:
            return
        frame = self.ids.frame
        self.targets = frame.build(
            vm.current_step.screen, vm.language, self.words, self.pack_root(vm.demo), vm.typed
        )
        self.mark_target()
        if self._prepared_for is not vm.demo:
            self._prepared_for = vm.demo
            frame.prepare([step.screen for step in vm.demo.steps])
        # Once this step is on screen, the next step's texts are drawn ahead on spare widgets.
        after_first_frame(self._prepare_next_step)

    def _prepare_next_step(self, _dt: float) -> None:
        vm = self.vm
        if vm is None or vm.demo is None or vm.current_step is None:
            return
        number = vm.step_number  # 1-based: the next step's index
        if number >= len(vm.demo.steps):
            return
        self.ids.frame.prepare_next(
            vm.demo.steps[number].screen,
            vm.language,
            self.words,
            self.pack_root(vm.demo),
            vm.typed,
        )

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
            self._scroll_target = wanted[0]
            self._scroll_tries = 0
            self._scroll_trigger()

    def _scroll_to_target(self, _dt: float) -> None:
        """Scroll the target into view in the frame that shows the step: once the texts and
        layouts it waits for are done, before the frame is drawn (not one frame later)."""
        page = self.ids.frame.ids.page
        if _settling(self) or any(_pending(w) for w in _ancestors(self)):
            self._scroll_tries += 1
            if self._scroll_tries < SCROLL_TRIES:
                self._scroll_trigger()
            else:  # still moving (a screen just made): try again at the next frame
                Clock.schedule_once(self._scroll_to_target, 0)
            return
        widget, self._scroll_target = self._scroll_target, None
        if widget is not None and widget.parent is not None:
            page.scroll_to(widget, padding=40, animate=False)


#: Rounds of layout the scroll waits for within a frame (Kivy runs at most 20 per frame).
SCROLL_TRIES = 12


def _pending(widget: Widget) -> bool:
    """True while ``widget``'s text, layout or scrolling waits to be updated."""
    for name in ("_trigger_texture", "_trigger_layout", "_trigger_update_from_scroll"):
        event = getattr(widget, name, None)
        if event is not None and event.is_triggered:
            return True
    return False


def _settling(widget: Widget) -> bool:
    """True while anything in ``widget``'s tree waits to be updated."""
    return _pending(widget) or any(_settling(child) for child in widget.children)


def _ancestors(widget: Widget) -> list[Widget]:
    out = []
    while widget.parent is not None and widget.parent is not widget:
        widget = widget.parent
        out.append(widget)
    return out


load_kv(__file__)
