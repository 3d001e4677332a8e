"""Load demo packs from folders; a broken pack is skipped with its problems, never raised.

``load_packs(dirs)`` loads every subfolder holding a ``pack.yaml`` of each folder in ``dirs``.
Each file is checked as bytes (size, binary, UTF-8) before it is parsed, then against the schema
(:mod:`kiosk.packs.models`) with the pack's languages, then by the cross-field rules
(:mod:`kiosk.packs.rules`). Every problem names its file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk.packs.messages import validation_problems
from kiosk.packs.models import Demo, DemoFile, Manifest, Pack, Step
from kiosk.packs.problems import Problem, sort_problems
from kiosk.packs.rules import demo_problems, image_checker, step_problems
from kiosk.packs.yamlpos import Parsed, dotted, load_yaml

MANIFEST = "pack.yaml"
#: The packs shipped with the kiosk (assets/packs/ next to the kiosk package).
BUNDLED_PACKS = Path(__file__).resolve().parent.parent.parent / "assets" / "packs"
#: Largest manifest or demo file; checked on the file size before anything is parsed.
MAX_YAML_BYTES = 256 * 1024


@dataclass
class LoadResult:
    """The packs that loaded and the problems of those that did not (sorted by file and line)."""

    packs: list[Pack] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def demos(self) -> list[Demo]:
        return [demo for pack in self.packs for demo in pack.demos]

    def find_demo(self, demo_id: str) -> Demo | None:
        """The loaded demo with ``demo_id`` (ids are unique across packs), or None."""
        return next((demo for demo in self.demos if demo.id == demo_id), None)


@dataclass
class PackReport:
    """The outcome for one pack folder: the pack (None if broken), its problems, parsed files."""

    folder: Path
    display: str
    pack: Pack | None = None
    problems: list[Problem] = field(default_factory=list)
    files: dict[str, Parsed] = field(default_factory=dict)
    #: Display names of the demo files the manifest lists (parsed or not).
    listed: set[str] = field(default_factory=set)


def load_packs(dirs: list[Path]) -> LoadResult:
    """Load every pack under each folder of ``dirs``; never raises for pack content."""
    folders: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    for folder in dirs:
        found, trouble = pack_folders(folder)
        folders.extend(found)
        problems.extend(trouble)
    reports = load_reports(folders)
    result = LoadResult([r.pack for r in reports if r.pack is not None], problems)
    for report in reports:
        result.problems.extend(report.problems)
    result.problems = sort_problems(result.problems)
    return result


def pack_folders(folder: Path) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """The pack folders (with display names) inside ``folder``, or why there are none."""
    display = str(folder)
    if not folder.exists():
        return [], [Problem(display, 0, "", "folder not found; check the path")]
    if not folder.is_dir():
        return [], [Problem(display, 0, "", "is not a folder of packs")]
    found, problems = [], []
    try:
        children = sorted(folder.iterdir())
    except OSError as exc:
        return [], [Problem(display, 0, "", f"cannot be read: {exc.strerror or exc}")]
    for child in children:
        if not child.is_dir() or child.name.startswith((".", "_")):
            continue
        if (child / MANIFEST).is_file():
            found.append((child, f"{display}/{child.name}"))
        else:
            problems.append(
                Problem(f"{display}/{child.name}", 0, "", f"no {MANIFEST}; not a pack folder")
            )
    if not found and not problems:
        problems.append(Problem(display, 0, "", f"holds no packs (no subfolder with a {MANIFEST})"))
    return found, problems


def load_reports(folders: list[tuple[Path, str]]) -> list[PackReport]:
    """Load each pack folder; later packs repeating a pack id or demo id are skipped or trimmed."""
    reports = []
    pack_ids: dict[str, str] = {}
    demo_ids: dict[str, str] = {}
    for folder, display in folders:
        report = load_pack(folder, display)
        reports.append(report)
        pack = report.pack
        if pack is None:
            continue
        manifest = report.files[f"{display}/{MANIFEST}"]
        if pack.id in pack_ids:
            report.problems.append(
                Problem(
                    f"{display}/{MANIFEST}",
                    manifest.line_of(("id",)),
                    "id",
                    f"pack id {pack.id!r} is already used by {pack_ids[pack.id]}; skipped",
                )
            )
            report.pack = None
            continue
        pack_ids[pack.id] = display
        report.pack = _without_taken_demos(report, demo_ids)
    return reports


def _without_taken_demos(report: PackReport, demo_ids: dict[str, str]) -> Pack:
    """The pack minus demos whose id an earlier pack already has (each reported)."""
    assert report.pack is not None
    kept = []
    for demo, ref in zip(report.pack.demos, _demo_files(report), strict=True):
        if demo.id in demo_ids:
            parsed = report.files[ref]
            report.problems.append(
                Problem(
                    ref,
                    parsed.line_of(("id",)),
                    "id",
                    f"demo id {demo.id!r} is already used in {demo_ids[demo.id]}; demo skipped",
                )
            )
            continue
        demo_ids[demo.id] = ref
        kept.append(demo)
    return report.pack.model_copy(update={"demos": kept})


def _demo_files(report: PackReport) -> list[str]:
    return [name for name in report.files if not name.endswith(f"/{MANIFEST}")]


def load_pack(folder: Path, display: str | None = None) -> PackReport:
    """Load one pack folder. ``display`` is how the folder is named in problems."""
    display = display if display is not None else str(folder)
    report = PackReport(folder, display)
    manifest_name = f"{display}/{MANIFEST}"
    parsed, problems = load_yaml(folder / MANIFEST, manifest_name, MAX_YAML_BYTES)
    report.problems.extend(problems)
    if parsed is None:
        return report
    report.files[manifest_name] = parsed
    languages = _raw_languages(parsed.data)
    context = {"languages": languages} if languages else None
    manifest: Manifest | None = None
    try:
        manifest = Manifest.model_validate(parsed.data, context=context)
    except ValidationError as exc:
        report.problems.extend(validation_problems(exc, parsed, manifest_name))
    demos = _load_demos(report, parsed, context)
    report.problems = sort_problems(report.problems)
    if manifest is not None and not report.problems:
        report.pack = Pack.model_construct(
            id=manifest.id,
            version=manifest.version,
            languages=list(manifest.languages),
            author=manifest.author,
            title=manifest.title,
            description=manifest.description,
            demos=[d for d in demos if d is not None],
            root=folder,
        )
    return report


def _raw_languages(data: Any) -> list[str] | None:
    """The manifest's languages if they look right, so demos are checked even if it is broken."""
    if isinstance(data, dict):
        langs = data.get("languages")
        if isinstance(langs, list) and langs and all(isinstance(x, str) for x in langs):
            return list(langs)
    return None


def _load_demos(
    report: PackReport, manifest: Parsed, context: dict[str, Any] | None
) -> list[Demo | None]:
    """Load each demo the manifest lists (as far as the manifest can be read)."""
    refs = manifest.data.get("demos") if isinstance(manifest.data, dict) else None
    if not isinstance(refs, list):
        return []
    manifest_name = f"{report.display}/{MANIFEST}"
    check = image_checker(report.folder)
    demos: list[Demo | None] = []
    seen_files: set[str] = set()
    seen_ids: dict[str, str] = {}
    for index, ref in enumerate(refs):
        name = ref.get("file") if isinstance(ref, dict) else None
        if not isinstance(name, str):
            continue
        loc = ("demos", index, "file")
        where = Problem(manifest_name, manifest.line_of(loc), dotted(loc), "")
        trouble = _bad_demo_path(report.folder, name, seen_files)
        if trouble:
            report.problems.append(_with(where, trouble))
            continue
        seen_files.add(name)
        report.listed.add(f"{report.display}/{name}")
        demo = _load_demo(report, name, ref.get("checked"), context, check)
        if demo is not None and demo.id in seen_ids:
            display = f"{report.display}/{name}"
            line = report.files[display].line_of(("id",))
            message = f"duplicate demo id {demo.id!r} (also in {seen_ids[demo.id]})"
            report.problems.append(Problem(display, line, "id", message))
        elif demo is not None:
            seen_ids[demo.id] = name
        demos.append(demo)
    return demos


def _with(template: Problem, message: str) -> Problem:
    return Problem(template.file, template.line, template.field, message)


def _bad_demo_path(folder: Path, name: str, seen: set[str]) -> str | None:
    path = Path(name)
    if path.is_absolute() or ".." in path.parts:
        return "must be a path inside the pack folder, like demos/example.yaml"
    if path.suffix not in (".yaml", ".yml"):
        return "a demo file must end in .yaml"
    if name in seen:
        return "this demo file is listed twice"
    if not (folder / path).is_file():
        return f"demo file not found: {name}"
    if not (folder / path).resolve().is_relative_to(folder.resolve()):
        return "must stay inside the pack folder (this one links to somewhere else)"
    return None


def _load_demo(
    report: PackReport,
    name: str,
    checked: Any,
    context: dict[str, Any] | None,
    check: Any,
) -> Demo | None:
    display = f"{report.display}/{name}"
    parsed, problems = load_yaml(report.folder / name, display, MAX_YAML_BYTES)
    report.problems.extend(problems)
    if parsed is None:
        return None
    report.files[display] = parsed
    try:
        demo = DemoFile.model_validate(parsed.data, context=context)
    except ValidationError as exc:
        report.problems.extend(validation_problems(exc, parsed, display))
        report.problems.extend(_step_rules_of_valid_steps(parsed, display, context, check))
        return None
    problems = demo_problems(demo, parsed, display, check)
    report.problems.extend(problems)
    if problems:
        return None
    fields = {name: getattr(demo, name) for name in DemoFile.model_fields}
    languages = (context or {}).get("languages", [])
    return Demo.model_construct(**fields, checked=checked, pack_languages=languages)


def _step_rules_of_valid_steps(
    parsed: Parsed, display: str, context: dict[str, Any] | None, check: Any
) -> list[Problem]:
    """When a demo fails its schema, still run the step rules on the steps that pass it.

    This way an admin sees every problem at once, not one layer of problems per lint run.
    """
    steps = parsed.data.get("steps") if isinstance(parsed.data, dict) else None
    if not isinstance(steps, list):
        return []
    problems: list[Problem] = []

    def report(loc: tuple[str | int, ...], message: str) -> None:
        problems.append(Problem(display, parsed.line_of(loc), dotted(loc), message))

    for index, raw in enumerate(steps):
        step = _valid_step(raw, context)
        if step is not None:
            step_problems(step, ("steps", index), report, check)
    return problems


def _valid_step(raw: Any, context: dict[str, Any] | None) -> Step | None:
    """The step if it passes the schema, if need be without the language check (the most common
    problem, already reported); None when it does not pass either way."""
    for ctx in (context, None):
        try:
            return Step.model_validate(raw, context=ctx)
        except ValidationError:
            continue
    return None
