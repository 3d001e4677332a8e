"""Principle 1: the core, the pack format and the wire protocol import neither Kivy nor web code."""

import subprocess
import sys

import pytest

PURE = ["kiosk.core", "kiosk.packs", "kiosk.protocol", "kiosk.config"]
FORBIDDEN = ["kivy", "fastapi", "starlette", "uvicorn", "sqlalchemy", "requests", "jinja2"]


@pytest.mark.parametrize("package", PURE)
def test_pure_package_imports_no_gui_or_web(package):
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for m in pkgutil.walk_packages(getattr(pkg, '__path__', []), pkg.__name__ + '.'):\n"
        "    importlib.import_module(m.name)\n"
        f"bad = sorted({{n.split('.')[0] for n in sys.modules}} & set({FORBIDDEN!r}))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{package} pulls in {out.stdout.strip()}"
