"""Rules across fields of a demo that a schema cannot express: ids, targets, actions, images.

The loader runs these on every demo that passed the schema, so a kiosk never meets a step whose
target is missing or whose pattern does not compile. Each rule returns problems naming the file,
line and field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from kiosk.packs.actions import untypeable
from kiosk.packs.images import check_image
from kiosk.packs.models import (
    Action,
    Button,
    Card,
    Checkbox,
    ChoiceList,
    Component,
    DemoFile,
    IdPicker,
    Image,
    Link,
    NumberField,
    Radio,
    Step,
    Table,
    TextField,
)
from kiosk.packs.problems import Problem
from kiosk.packs.yamlpos import Loc, Parsed, dotted

TAPPABLE = (Button, Link, Card, Checkbox)
#: What the number pad of a number_field can type.
NUMBER_PAD = frozenset("0123456789 ,.-+€%")
TYPEABLE = (TextField, NumberField)
CHOOSABLE = (Radio, ChoiceList, IdPicker)
_KIND_FIELDS = {
    "tap": set(),
    "type": {"value", "pattern", "example", "error"},
    "choose": {"option"},
    "card_insert": {"card"},
    "card_remove": set(),
}
_NEEDS = {
    "tap": "a button, link, card or checkbox",
    "type": "a text_field or number_field",
    "choose": "a radio, choice_list or id_picker",
}
_KEYS = "letters a-z, å, ä, ö, digits, space and . , - @ / : ' ? ! ( ) + € % _"

Report = Callable[[Loc, str], None]
ImageCheck = Callable[[str], str | None]


def demo_problems(
    demo: DemoFile, parsed: Parsed, display: str, image_check: ImageCheck
) -> list[Problem]:
    """Every cross-field problem of one validated demo file."""
    problems: list[Problem] = []

    def report(loc: Loc, message: str) -> None:
        problems.append(Problem(display, parsed.line_of(loc), dotted(loc), message))

    first_step: dict[str, int] = {}
    for index, step in enumerate(demo.steps):
        loc: Loc = ("steps", index)
        if step.id in first_step:
            report((*loc, "id"), f"duplicate step id {step.id!r} (also step {first_step[step.id]})")
        first_step.setdefault(step.id, index + 1)
        step_problems(step, loc, report, image_check)
    return problems


def step_problems(step: Step, loc: Loc, report: Report, image_check: ImageCheck) -> None:
    """Report the problems of one step (``loc`` is where the step sits in its file)."""
    _component_ids(step, loc, report)
    _images(step, loc, report, image_check)
    _action(step, loc, report)


def _component_ids(step: Step, loc: Loc, report: Report) -> None:
    seen: set[str] = set()
    for index, component in enumerate(step.screen.components):
        where = (*loc, "screen", "components", index)
        if component.id is not None:
            if component.id in seen:
                report((*where, "id"), f"duplicate id {component.id!r} on this screen")
            seen.add(component.id)
        if isinstance(component, Radio | ChoiceList):
            ids = [option.id for option in component.options]
            for number, option_id in enumerate(ids):
                if option_id in ids[:number]:
                    report((*where, "options", number, "id"), f"duplicate option id {option_id!r}")
        if isinstance(component, IdPicker) and len(set(component.options)) != len(
            component.options
        ):
            report((*where, "options"), "each method may be listed only once")
        if isinstance(component, Table):
            for number, row in enumerate(component.rows):
                if len(row) != len(component.header):
                    report(
                        (*where, "rows", number),
                        f"this row has {len(row)} cells; the header has {len(component.header)}",
                    )


def _images(step: Step, loc: Loc, report: Report, image_check: ImageCheck) -> None:
    for index, component in enumerate(step.screen.components):
        if not isinstance(component, Image):
            continue
        where = (*loc, "screen", "components", index)
        if component.alt is None and not component.decorative:
            report((*where, "alt"), "an image needs alt text in each language, or decorative: true")
        if component.alt is not None and component.decorative:
            report((*where, "decorative"), "give either alt text or decorative: true, not both")
        message = image_check(component.file)
        if message:
            report((*where, "file"), message)


def _action(step: Step, loc: Loc, report: Report) -> None:
    action = step.action
    where = (*loc, "action")
    for name in ("value", "pattern", "example", "error", "option", "card"):
        if getattr(action, name) is not None and name not in _KIND_FIELDS[action.kind]:
            report((*where, name), f"not used with kind: {action.kind}; remove it")
    if action.kind in ("card_insert", "card_remove"):
        if step.target is not None:
            report((*loc, "target"), f"a {action.kind} step has no target; remove it")
        return
    if step.target is None:
        report(
            (*loc, "target"), f"missing; a {action.kind} step needs the id of {_NEEDS[action.kind]}"
        )
        return
    component = step.screen.find(step.target)
    if component is None:
        ids = ", ".join(c.id for c in step.screen.components if c.id) or "none"
        report((*loc, "target"), f"no component {step.target!r} on this step's screen (ids: {ids})")
        return
    if not _fits(action.kind, component):
        report(
            (*loc, "target"),
            f"a {action.kind} step needs {_NEEDS[action.kind]}; "
            f"{step.target!r} is a {component.type}",
        )
        return
    if action.kind == "type":
        _typed(action, where, report)
        if isinstance(component, NumberField):
            _numeric(action, where, report)
    elif action.kind == "choose":
        _chosen(action, component, where, report)


def _fits(kind: str, component: Component) -> bool:
    wanted = {"tap": TAPPABLE, "type": TYPEABLE, "choose": CHOOSABLE}[kind]
    return isinstance(component, wanted)


def _typed(action: Action, where: Loc, report: Report) -> None:
    if (action.value is None) == (action.pattern is None):
        report(where, "a type action needs either value or pattern (one of them)")
        return
    if action.value is not None:
        _typeable(action.value, (*where, "value"), report)
        if not action.value.strip():
            report((*where, "value"), "must not be empty")
        return
    if action.example is None:
        report((*where, "example"), 'missing; a pattern needs an example for "Show me" to type')
    try:
        compiled = re.compile(action.pattern or "", re.IGNORECASE)
    except re.error as exc:
        report((*where, "pattern"), f"not a valid regular expression: {exc}")
        return
    if action.example is not None:
        _typeable(action.example, (*where, "example"), report)
        if compiled.fullmatch(action.example.strip()) is None:
            report((*where, "example"), f"{action.example!r} does not match the pattern")


def _numeric(action: Action, where: Loc, report: Report) -> None:
    """A number field gets the kiosk's number pad: digits and a few signs only."""
    for name in ("value", "example"):
        text = getattr(action, name)
        if text is not None and not set(text) <= NUMBER_PAD:
            report(
                (*where, name),
                "a number_field is typed on the number pad (digits, space and , . - + € %); "
                "use a text_field for other text",
            )


def _typeable(text: str, where: Loc, report: Report) -> None:
    bad = untypeable(text)
    if bad:
        chars = " ".join(repr(c) for c in bad)
        report(where, f"cannot be typed on the kiosk keyboard: {chars}; it has {_KEYS}")


def _chosen(action: Action, component: Component, where: Loc, report: Report) -> None:
    if action.option is None:
        report((*where, "option"), "missing; a choose action needs the id of an option")
        return
    ids: list[str]
    if isinstance(component, IdPicker):
        ids = list(component.options)
    else:
        assert isinstance(component, Radio | ChoiceList)
        ids = [option.id for option in component.options]
    if action.option not in ids:
        report(
            (*where, "option"),
            f"{component.id!r} has no option {action.option!r} (options: {', '.join(ids)})",
        )


def image_checker(root: Path) -> ImageCheck:
    """A cached image check for one pack (the same image is often shown on many steps)."""
    cache: dict[str, str | None] = {}

    def check(name: str) -> str | None:
        if name not in cache:
            cache[name] = check_image(root, name)
        return cache[name]

    return check
