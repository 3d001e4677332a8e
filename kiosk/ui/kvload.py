"""Load a module's ``.kv`` file (same folder, same stem) exactly once per process."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder


def load_kv(module_file: str) -> None:
    """Load ``name.kv`` beside ``name.py``; a second call for the same file does nothing."""
    path = str(Path(module_file).with_suffix(".kv"))
    if path not in Builder.files:
        Builder.load_file(path)
