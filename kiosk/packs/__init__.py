"""Demo packs: the format (docs/packs.md), loading, checking. Pure: no Kivy, no web code.

- :mod:`~kiosk.packs.models` — the pydantic models of the format (Pack, Demo, Step, components).
- :mod:`~kiosk.packs.text` — LocalText, a text per language or one language-neutral string.
- :mod:`~kiosk.packs.loader` — ``load_packs(dirs) -> LoadResult``; a broken pack is skipped.
- :mod:`~kiosk.packs.rules` — cross-field rules the loader runs (targets, actions, ids, images).
- :mod:`~kiosk.packs.lint` — the admin's check: the loader's rules plus authoring rules.
- :mod:`~kiosk.packs.actions` — ``check_typed`` and ``show_me_value`` for the player.
- :mod:`~kiosk.packs.check` — the demo packs' lines of ``kiosk check``.
- :mod:`~kiosk.packs.yamlpos`, :mod:`~kiosk.packs.messages`, :mod:`~kiosk.packs.images`,
  :mod:`~kiosk.packs.fakedata` — line-keeping YAML, error wording, image and fake-data checks.
"""
