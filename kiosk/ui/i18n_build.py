"""Build and check the gettext catalogues (Babel tooling): the kiosk's own words (domain
``kiosk``: kiosk/**.py and .kv) and the staff dashboard's (domain ``dashboard``:
kiosk/hub/dashboard/**.py and its Jinja2 templates).

    python -m kiosk.ui.i18n_build extract [DOMAIN]  # scan for _("...") and update every .po
    python -m kiosk.ui.i18n_build compile [DOMAIN]  # .po -> .mo (runs at every `make` set-up)
    python -m kiosk.ui.i18n_build check [DOMAIN]    # exit 1 if any message lacks a translation

Without DOMAIN, both. Source texts are English; ``msgstr`` holds the text per language (English
too, so the English wording can be edited without touching code).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE_DIR = Path(__file__).resolve().parents[1]
LOCALE_DIR = PACKAGE_DIR.parent / "assets" / "locale"
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


@dataclass(frozen=True)
class Domain:
    """One catalogue (``<name>.po`` per language): which files under ``source`` hold its texts,
    read by which Babel extractor, and the functions that mark a text."""

    name: str
    source: Path
    method_map: tuple[tuple[str, str], ...]
    keywords: dict[str, Any]


KIOSK = Domain(
    "kiosk",
    PACKAGE_DIR,
    (
        ("hub/dashboard/**", "ignore"),  # the dashboard's own domain
        ("**.py", "python"),
        ("**.kv", "kiosk.ui.i18n_build:extract_kv"),
    ),
    {"_": None, "in_language": (1,), "N_": None},
)
# Templates through Jinja2's Babel extractor (jinja2.ext.babel_extract).
DASHBOARD = Domain(
    "dashboard",
    PACKAGE_DIR / "hub" / "dashboard",
    (("templates/**.html", "jinja2"), ("**.py", "python")),
    {"_": None, "gettext": None, "pgettext": ((1, "c"), 2), "N_": None},
)
DOMAINS = {domain.name: domain for domain in (KIOSK, DASHBOARD)}
DOMAIN = KIOSK.name  # the kiosk's, which the functions below default to


def po_path(lang: str, locale_dir: Path = LOCALE_DIR, domain: Domain = KIOSK) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{domain.name}.po"


def extract(domain: Domain = KIOSK) -> Catalog:
    """Every translatable text of ``domain`` in its source files."""
    template = Catalog(project="kiosk", domain=domain.name)
    prefix = domain.source.relative_to(PACKAGE_DIR.parent).as_posix()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(domain.source), method_map=list(domain.method_map), keywords=domain.keywords
    ):
        template.add(
            message,
            locations=[(f"{prefix}/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def update(domain: Domain = KIOSK) -> None:
    """Write the template and merge it into each language's catalogue, keeping translations."""
    template = extract(domain)
    with open(LOCALE_DIR / f"{domain.name}.pot", "wb") as out:
        write_po(out, template, omit_header=False, sort_output=True)
    for lang in LANGUAGES:
        path = po_path(lang, domain=domain)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with open(path, "rb") as src:
                catalog = read_po(src, locale=lang)
        else:
            catalog = Catalog(locale=lang, domain=domain.name)
        catalog.update(template, no_fuzzy_matching=True)
        with open(path, "wb") as out:
            write_po(out, catalog, sort_output=True, ignore_obsolete=True, width=100)


def compile_all(domain: Domain = KIOSK) -> None:
    for lang in LANGUAGES:
        path = po_path(lang, domain=domain)
        with open(path, "rb") as src:
            catalog = read_po(src, locale=lang)
        with open(path.with_suffix(".mo"), "wb") as out:
            write_mo(out, catalog)


def missing(locale_dir: Path = LOCALE_DIR, domain: Domain = KIOSK) -> list[str]:
    """One line per text the code uses that some language does not translate."""
    wanted = {(m.id, m.context) for m in extract(domain) if m.id}
    problems = []
    for lang in LANGUAGES:
        path = po_path(lang, locale_dir, domain)
        if not path.exists():
            problems.append(f"{path}: missing catalogue")
            continue
        with open(path, "rb") as src:
            catalog = read_po(src, locale=lang)
        for msgid, context in sorted(wanted, key=lambda w: (w[0], w[1] or "")):
            message = catalog.get(msgid, context)
            if message is None or not message.string or message.fuzzy:
                where = f" (context {context!r})" if context else ""
                problems.append(f"{path}: no translation for {msgid!r}{where}")
    return problems


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "compile"
    if len(argv) > 2 or (len(argv) == 2 and argv[1] not in DOMAINS):
        print(__doc__)
        return 2
    domains = [DOMAINS[argv[1]]] if len(argv) == 2 else list(DOMAINS.values())
    if command == "extract":
        for domain in domains:
            update(domain)
    elif command == "compile":
        for domain in domains:
            compile_all(domain)
    elif command == "check":
        problems = [line for domain in domains for line in missing(domain=domain)]
        print("\n".join(problems) or "all texts translated")
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
