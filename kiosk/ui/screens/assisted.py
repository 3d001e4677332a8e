"""The assisted home: the helper's tools while a banner on every screen says who is helping.

Open any demo at any step, the visitor's settings, the visitor's call for help (take over,
resolve), the site's real e-services, acting on the visitor's behalf (staff roles, after the
visitor's consent), the maintenance exit (admins), and End assisted mode. ``vm`` is the
AssistVM; ``catalogue`` the CatalogueVM (the demos, in the visitor's language).
"""

from __future__ import annotations

from kivy.properties import ObjectProperty

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.common import KButton


class AssistedScreen(KioskScreen):
    catalogue = ObjectProperty(None)

    def on_kv_post(self, base_widget) -> None:  # noqa: ANN001
        self.vm.bind(services=self._fill_services, areas=self._fill_areas)
        if self.catalogue is not None:
            self.catalogue.bind(groups=self._fill_demos)
        self._fill_demos()
        self._fill_services()
        self._fill_areas()

    def _fill_demos(self, *_: object) -> None:
        box = self.ids.demos
        box.clear_widgets()
        for group in self.catalogue.groups if self.catalogue is not None else []:
            for demo in group["demos"]:
                button = KButton(text=demo["title"], test_name=f"assisted_demo_{demo['id']}")
                button.bind(on_release=lambda *_a, d=demo["id"]: self.vm.choose_demo(d))
                box.add_widget(button)

    def _fill_services(self, *_: object) -> None:
        box = self.ids.services
        box.clear_widgets()
        for i, service in enumerate(self.vm.services):
            button = KButton(text=service["name"], test_name=f"assisted_service_{i}")
            button.bind(on_release=lambda *_a, n=i: self.vm.open_service(n))
            box.add_widget(button)

    def _fill_areas(self, *_: object) -> None:
        box = self.ids.areas
        box.clear_widgets()
        for i, area in enumerate(self.vm.areas):
            button = KButton(text=area, test_name=f"assisted_area_{i}")
            button.bind(on_release=lambda *_a, a=area: self.vm.ask_consent(a))
            box.add_widget(button)


load_kv(__file__)
