"""The demo pack format as pydantic models (the agreed contract; see docs/packs.md).

Every model forbids unknown fields and never coerces between types (``strict``): YAML turns
``0123`` into a number and ``no`` into a boolean, and a demo must not silently change a value.
Pack-wide rules that need more than one field (targets, ids, images) live in
:mod:`kiosk.packs.rules`; the loader runs both.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from kiosk.packs.text import LocalText, short, translated

#: Pack and demo ids: lower-case, used in file names, logs and ``--demo ID``.
PackId = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", min_length=1, max_length=64)
]
#: Step, component and option ids: only need to be unique where they are used.
LocalId = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", min_length=1, max_length=64)
]
#: A text per language; a plain string only inside a screen (language-neutral data).
Text = LocalText
#: A text that must be given per language (instructions, titles, summaries).
Translated = Annotated[LocalText, AfterValidator(translated)]
#: A translated text of at most 300 characters per language (read aloud at every step).
ShortTranslated = Annotated[LocalText, AfterValidator(translated), AfterValidator(short)]

SERVICES = (
    "suomifi",
    "kela",
    "omakanta",
    "bank",
    "omavero",
    "valtuudet",
    "library",
    "health",
    "other",
)
Service = Literal[
    "suomifi", "kela", "omakanta", "bank", "omavero", "valtuudet", "library", "health", "other"
]
ID_METHODS = ("bank", "mobile", "card")

MAX_COMPONENTS = 60
MAX_STEPS = 40


class _Strict(BaseModel):
    """Unknown fields are errors; values are never converted between types."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- screen components (drawn top to bottom by the kiosk) ----------------------------------


class Heading(_Strict):
    type: Literal["heading"]
    id: LocalId | None = None
    text: Text


class Paragraph(_Strict):
    type: Literal["paragraph"]
    id: LocalId | None = None
    text: Text


class TextField(_Strict):
    type: Literal["text_field"]
    id: LocalId
    label: Text
    value: str = ""
    #: PIN- or password-like: shown as dots and never spoken character by character.
    masked: bool = False


class NumberField(_Strict):
    type: Literal["number_field"]
    id: LocalId
    label: Text
    value: str = ""


class Checkbox(_Strict):
    type: Literal["checkbox"]
    id: LocalId
    label: Text
    checked: bool = False


class Option(_Strict):
    """One option of a radio group or choice list."""

    id: LocalId
    text: Text


class Radio(_Strict):
    type: Literal["radio"]
    id: LocalId
    label: Text
    options: list[Option] = Field(min_length=2, max_length=20)


class ChoiceList(_Strict):
    type: Literal["choice_list"]
    id: LocalId
    label: Text
    options: list[Option] = Field(min_length=1, max_length=30)


class Button(_Strict):
    type: Literal["button"]
    id: LocalId
    text: Text
    style: Literal["primary", "secondary"] = "primary"


class Link(_Strict):
    type: Literal["link"]
    id: LocalId
    text: Text


class Info(_Strict):
    type: Literal["info"]
    id: LocalId | None = None
    text: Text


class Warning(_Strict):  # noqa: A001 - the component's agreed name
    type: Literal["warning"]
    id: LocalId | None = None
    text: Text


class Card(_Strict):
    """A card or list row (a prescription, a loan, a bill); tappable."""

    type: Literal["card"]
    id: LocalId
    title: Text
    text: Text | None = None


class Table(_Strict):
    type: Literal["table"]
    id: LocalId | None = None
    header: list[Text] = Field(min_length=1, max_length=8)
    rows: list[list[Text]] = Field(min_length=1, max_length=30)


class Image(_Strict):
    """An image from the pack's folder: ``alt`` in each language, or ``decorative: true``."""

    type: Literal["image"]
    id: LocalId | None = None
    file: str = Field(min_length=1, max_length=200)
    alt: Translated | None = None
    decorative: bool = False


class IdPicker(_Strict):
    """The Suomi.fi identification-method picker: bank, mobile certificate, ID card."""

    type: Literal["id_picker"]
    id: LocalId
    options: list[Literal["bank", "mobile", "card"]] = Field(min_length=1, max_length=3)


Component = Annotated[
    Heading
    | Paragraph
    | TextField
    | NumberField
    | Checkbox
    | Radio
    | ChoiceList
    | Button
    | Link
    | Info
    | Warning
    | Card
    | Table
    | Image
    | IdPicker,
    Field(discriminator="type"),
]
COMPONENT_TYPES = (
    "heading, paragraph, text_field, number_field, checkbox, radio, choice_list, button, link, "
    "info, warning, card, table, image, id_picker"
)


class Screen(_Strict):
    """The mock screen of the service: a header with a fake address bar, then components."""

    service: Text
    address: str = Field(min_length=1, max_length=120)
    components: list[Component] = Field(min_length=1, max_length=MAX_COMPONENTS)

    def find(self, component_id: str) -> Component | None:
        """The component with ``component_id``, or None."""
        for component in self.components:
            if component.id == component_id:
                return component
        return None


# --- actions and steps ---------------------------------------------------------------------


class Action(_Strict):
    """What completes a step. Which fields fit which ``kind`` is checked in rules.py."""

    kind: Literal["tap", "type", "choose", "card_insert", "card_remove"]
    #: type: the exact value (compared ignoring case and surrounding spaces).
    value: str | None = Field(default=None, max_length=100)
    #: type: a regular expression the whole typed text must match (ignoring case).
    pattern: str | None = Field(default=None, max_length=200)
    #: type with pattern: what "Show me" types.
    example: str | None = Field(default=None, max_length=100)
    #: choose: the option id.
    option: LocalId | None = None
    #: type: what is wrong when the typed value does not match (shown and spoken).
    error: ShortTranslated | None = None
    #: card_insert: which card the step asks for.
    card: Literal["any", "id_card", "bank_card"] | None = None


class Step(_Strict):
    id: LocalId
    screen: Screen
    instruction: ShortTranslated
    speech: Annotated[LocalText, AfterValidator(translated)] | None = None
    target: LocalId | None = None
    action: Action
    hint: ShortTranslated
    done: ShortTranslated

    def target_component(self) -> Component | None:
        """The component that completes the step (None for card steps)."""
        return self.screen.find(self.target) if self.target else None


class Completion(_Strict):
    practised: list[Translated] = Field(min_length=2, max_length=4)
    next: Translated


class DemoFile(_Strict):
    """The content of one demo file, exactly as written."""

    id: PackId
    service: Service
    title: Translated
    summary: Translated
    level: int = Field(ge=1, le=4)
    minutes: int = Field(ge=1, le=60)
    completion: Completion
    steps: list[Step] = Field(min_length=1, max_length=MAX_STEPS)


class Demo(DemoFile):
    """A loaded demo: the file plus what the manifest says about it."""

    #: The date the demo was last checked against the live service (from pack.yaml).
    checked: date
    #: The languages of the pack holding the demo.
    pack_languages: list[str]

    @property
    def languages(self) -> list[str]:
        return list(self.pack_languages)


# --- the manifest --------------------------------------------------------------------------


class DemoRef(_Strict):
    file: str = Field(min_length=1, max_length=200)
    checked: date


class Manifest(_Strict):
    """``pack.yaml`` exactly as written."""

    id: PackId
    version: int = Field(ge=1)
    languages: list[Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]] = Field(
        min_length=1, max_length=10
    )
    author: str = Field(min_length=1, max_length=200)
    title: Translated
    description: Translated
    demos: list[DemoRef] = Field(min_length=1, max_length=100)


class Pack(_Strict):
    """A loaded pack: the manifest with its demos and the folder it came from."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, arbitrary_types_allowed=True
    )

    id: str
    version: int
    languages: list[str]
    author: str
    title: LocalText
    description: LocalText
    demos: list[Demo]
    root: Path
