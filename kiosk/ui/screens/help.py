"""Call a helper: choose an optional topic and call; or, without a hub, say so plainly.

The page holds one of two columns, picked from ``vm.connected``: the call (topic choices and the
big "Call a helper" button) or the plain "not connected" message. The topic buttons are made
from ``vm.topics`` each time the screen opens, because the choices depend on what the visitor
was doing. What happens after the call is on the help_queue / help_coming / help_unreachable /
help_ended screens (kiosk.ui.viewmodels.help.follow_help moves between them).
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.common import KButton, KColumn


class HelpCallColumn(KColumn):
    screen = ObjectProperty(None)


class HelpOffColumn(KColumn):
    screen = ObjectProperty(None)


class HelpTopicButton(KButton):
    """One topic choice (``key`` one of kiosk.ui.viewmodels.help.TOPICS); its text is in KV."""

    vm = ObjectProperty(None)
    key = StringProperty("")
    selected = BooleanProperty(False)


class HelpScreen(KioskScreen):
    def on_kv_post(self, _base) -> None:  # noqa: ANN001
        self._fill()

    def on_vm(self, _screen, vm) -> None:  # noqa: ANN001
        if vm is not None:
            vm.bind(connected=lambda *_: self._fill(), topics=lambda *_: self._fill_topics())
        self._fill()

    def on_pre_enter(self, *_args: object) -> None:
        self._fill_topics()
        self._to_top()

    def on_enter(self, *_args: object) -> None:
        self._to_top()

    def _to_top(self) -> None:
        # The heading first, whatever was scrolled before; again once the new content is laid
        # out (the scroll view recomputes its position when its content's height changes).
        page = self.ids.page
        page.scroll_y = 1
        Clock.schedule_once(lambda _dt: setattr(page, "scroll_y", 1), 0)

    def _fill(self) -> None:
        if "page" not in self.ids:
            return
        page = self.ids.page
        page.clear_widgets()
        connected = self.vm is not None and self.vm.connected
        page.add_widget((HelpCallColumn if connected else HelpOffColumn)(screen=self))
        self._fill_topics()
        self._to_top()

    def _fill_topics(self) -> None:
        page = self.ids.get("page")
        column = page.children[0] if page is not None and page.children else None
        if not isinstance(column, HelpCallColumn):
            return
        box = column.ids.topics
        box.clear_widgets()
        for key in self.vm.topics:
            box.add_widget(HelpTopicButton(vm=self.vm, key=key, test_name=f"help_topic_{key}"))


load_kv(__file__)
