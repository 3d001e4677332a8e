"""Localized texts of a demo pack.

A text in a pack is either a mapping ``{fi: ..., sv: ..., en: ...}`` with exactly the pack's
languages, or a plain string for language-neutral screen data (amounts, IBANs, codes, names of
fake people). Validation learns the pack's languages from the pydantic validation context
(``{"languages": [...]}``), so one demo file can be checked against the manifest that lists it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import GetCoreSchemaHandler, ValidationInfo
from pydantic_core import PydanticCustomError, core_schema

#: The longest text, in characters, in any one language.
MAX_TEXT = 600
#: The longest instruction, hint or "well done" text: they are read aloud after every step.
MAX_SHORT_TEXT = 300


class LocalText:
    """A text in each language of the pack, or one language-neutral string.

    ``get(lang)`` gives the text in ``lang``; a plain string is the same in every language.
    """

    __slots__ = ("_plain", "_texts")

    def __init__(self, value: str | Mapping[str, str]) -> None:
        if isinstance(value, str):
            self._plain: str | None = value
            self._texts: dict[str, str] = {}
        else:
            self._plain = None
            self._texts = dict(value)

    @property
    def is_plain(self) -> bool:
        """True for a language-neutral string."""
        return self._plain is not None

    @property
    def languages(self) -> list[str]:
        """The languages given (empty for a plain string)."""
        return list(self._texts)

    def has(self, lang: str) -> bool:
        """True when the text exists in ``lang`` (always for a plain string)."""
        return self._plain is not None or lang in self._texts

    def get(self, lang: str) -> str:
        """The text in ``lang``; for a plain string, the string itself.

        A loaded pack has every text in every pack language. For a language the pack does not
        declare, the first language of the text is returned so the screen never shows a blank.
        """
        if self._plain is not None:
            return self._plain
        if lang in self._texts:
            return self._texts[lang]
        return next(iter(self._texts.values()), "")

    def items(self) -> list[tuple[str, str]]:
        """(language, text) pairs; a plain string gives one pair with language ``""``."""
        if self._plain is not None:
            return [("", self._plain)]
        return list(self._texts.items())

    def as_data(self) -> str | dict[str, str]:
        """The value as written in YAML (for JSON output)."""
        return self._plain if self._plain is not None else dict(self._texts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LocalText):
            return NotImplemented
        return self._plain == other._plain and self._texts == other._texts

    def __hash__(self) -> int:
        return hash((self._plain, tuple(sorted(self._texts.items()))))

    def __repr__(self) -> str:
        return f"LocalText({self.as_data()!r})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.with_info_plain_validator_function(
            _validate_local_text,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda v: v.as_data()),
        )


def _languages(info: ValidationInfo) -> list[str] | None:
    context = info.context
    if isinstance(context, dict) and isinstance(context.get("languages"), list):
        return context["languages"]
    return None


def _validate_local_text(value: Any, info: ValidationInfo) -> LocalText:
    """Accept a plain string or a mapping of language -> text; check languages and length."""
    if isinstance(value, LocalText):
        return value
    if isinstance(value, str):
        _check_length(value, "", MAX_TEXT)
        return LocalText(value)
    if not isinstance(value, dict):
        raise PydanticCustomError(
            "local_text",
            "must be a text in each language, like {fi: ..., sv: ..., en: ...}",
        )
    for lang, text in value.items():
        if not isinstance(lang, str) or not isinstance(text, str):
            raise PydanticCustomError(
                "local_text",
                "{lang}: must be text; put it in quotes",
                {"lang": str(lang)},
            )
        _check_length(text, lang, MAX_TEXT)
    wanted = _languages(info)
    if wanted is not None:
        missing = [lang for lang in wanted if lang not in value]
        extra = [lang for lang in value if lang not in wanted]
        if missing:
            raise PydanticCustomError(
                "missing_language",
                "missing the {missing} text; every text needs {wanted} (the pack's languages)",
                {"missing": ", ".join(missing), "wanted": ", ".join(wanted)},
            )
        if extra:
            raise PydanticCustomError(
                "extra_language",
                "{extra} is not a language of this pack (pack.yaml languages: {wanted}); "
                "remove it or add the language to pack.yaml",
                {"extra": ", ".join(extra), "wanted": ", ".join(wanted)},
            )
    return LocalText(value)


def _check_length(text: str, lang: str, limit: int) -> None:
    if len(text) > limit:
        where = f"the {lang} text" if lang else "the text"
        raise PydanticCustomError(
            "text_too_long",
            "{where} is {n} characters long; at most {limit} are allowed",
            {"where": where, "n": len(text), "limit": limit},
        )


def translated(value: LocalText) -> LocalText:
    """After-validator: the text must be given per language (no plain string)."""
    if value.is_plain:
        raise PydanticCustomError(
            "not_translated",
            "must be given in each language, like {fi: ..., sv: ..., en: ...}; a plain string "
            "is only for language-neutral screen data such as amounts, codes and names",
        )
    return value


def short(value: LocalText) -> LocalText:
    """After-validator: at most :data:`MAX_SHORT_TEXT` characters in each language."""
    for lang, text in value.items():
        _check_length(text, lang, MAX_SHORT_TEXT)
    return value
