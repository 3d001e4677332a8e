"""Build and check the gettext catalogues of the kiosk's own words (Babel tooling).

    python -m kiosk.ui.i18n_build extract   # scan kiosk/ for _("...") and update every .po
    python -m kiosk.ui.i18n_build compile   # .po -> .mo (runs at every `make` set-up)
    python -m kiosk.ui.i18n_build check     # exit 1 if any message lacks a translation

Source texts are English; ``msgstr`` holds the text per language (English too, so the English
wording can be edited without touching code).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE_DIR = Path(__file__).resolve().parents[1]
LOCALE_DIR = PACKAGE_DIR.parent / "assets" / "locale"
DOMAIN = "kiosk"
LANGUAGES = ("fi", "sv", "en")
_KV_CALL = re.compile(r"""\b(?:_|in_language)\(\s*(["'])((?:\\.|(?!\1).)*)\1\s*[,)]""")


def extract_kv(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extractor for KV files: every ``_("...")`` call, with its line number."""
    for number, line in enumerate(fileobj.read().decode("utf-8").splitlines(), start=1):
        for match in _KV_CALL.finditer(line):
            # The text as Python reads the literal: escapes resolved, non-ASCII kept as it is.
            yield (
                number,
                "_",
                ast.literal_eval(match.group(1) + match.group(2) + match.group(1)),
                [],
            )


def po_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """Every translatable text in the package's .py and .kv files."""
    template = Catalog(project="kiosk", domain=DOMAIN)
    method_map = [("**.py", "python"), ("**.kv", "kiosk.ui.i18n_build:extract_kv")]
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(PACKAGE_DIR),
        method_map=method_map,
        keywords={"_": None, "in_language": (1,), "N_": None},
    ):
        template.add(message, locations=[(f"kiosk/{filename}", lineno)], auto_comments=comments)
    return template


def update() -> None:
    """Write the template and merge it into each language's catalogue, keeping translations."""
    template = extract()
    with open(LOCALE_DIR / f"{DOMAIN}.pot", "wb") as out:
        write_po(out, template, omit_header=False, sort_output=True)
    for lang in LANGUAGES:
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with open(path, "rb") as src:
                catalog = read_po(src, locale=lang)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
        with open(path, "wb") as out:
            write_po(out, catalog, sort_output=True, ignore_obsolete=True, width=100)


def compile_all() -> None:
    for lang in LANGUAGES:
        with open(po_path(lang), "rb") as src:
            catalog = read_po(src, locale=lang)
        with open(po_path(lang).with_suffix(".mo"), "wb") as out:
            write_mo(out, catalog)


def missing(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """One line per text the code uses that some language does not translate."""
    wanted = {m.id for m in extract() if m.id}
    problems = []
    for lang in LANGUAGES:
        path = po_path(lang, locale_dir)
        if not path.exists():
            problems.append(f"{path}: missing catalogue")
            continue
        with open(path, "rb") as src:
            catalog = read_po(src, locale=lang)
        for msgid in sorted(wanted):
            message = catalog.get(msgid)
            if message is None or not message.string or message.fuzzy:
                problems.append(f"{path}: no translation for {msgid!r}")
    return problems


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "compile"
    if command == "extract":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        problems = missing()
        print("\n".join(problems) or "all texts translated")
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
