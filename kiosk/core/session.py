"""The visitor session: preferences, what was typed, where the visitor has been, and the wipe.

Nothing here is ever written to disk or sent anywhere. :meth:`VisitorSession.wipe` returns a
fresh session on the site's defaults; the old object is cleared in place as well, so that any
reference still held somewhere no longer shows a trace of the visitor.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, Protocol

TEXT_SIZES = (100, 150, 200)
SPEECH_RATES = ("slower", "normal", "faster")
EndReason = Literal["ended", "idle", "card_removed", "error"]


class VisitorDefaultsLike(Protocol):
    """The part of the settings a session starts from (``Settings.visitor``)."""

    default_language: str
    languages: list[str]
    text_size: int
    high_contrast: bool
    read_aloud: bool
    speech_rate: str
    volume: int


@dataclass(frozen=True)
class Preferences:
    """What the visitor chose on the settings screen. Reset to the site's defaults on wipe."""

    language: str
    text_size: int
    high_contrast: bool
    read_aloud: bool
    speech_rate: str
    volume: int

    @classmethod
    def from_defaults(cls, d: VisitorDefaultsLike) -> Preferences:
        return cls(
            language=d.default_language,
            text_size=d.text_size,
            high_contrast=d.high_contrast,
            read_aloud=d.read_aloud,
            speech_rate=d.speech_rate,
            volume=d.volume,
        )


@dataclass
class VisitorSession:
    """One visitor's time at the kiosk, from the first touch to the end button or idle timeout.

    ``typed`` holds what the visitor typed into practice forms, keyed by field; ``history`` the
    screens visited (for Back). ``started_at`` is the injected clock's time of the first touch.
    """

    defaults: VisitorDefaultsLike
    started_at: float
    prefs: Preferences = field(init=False)
    typed: dict[str, str] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    card_used: bool = False

    def __post_init__(self) -> None:
        self.prefs = Preferences.from_defaults(self.defaults)

    def set_pref(self, name: str, value: object) -> None:
        """Change one preference; raises ValueError for a value the kiosk does not offer."""
        if name == "language" and value not in self.defaults.languages:
            raise ValueError(f"language {value!r} is not offered here")
        if name == "text_size" and value not in TEXT_SIZES:
            raise ValueError(f"text size must be one of {TEXT_SIZES}")
        if name == "speech_rate" and value not in SPEECH_RATES:
            raise ValueError(f"speech rate must be one of {SPEECH_RATES}")
        if name == "volume" and not (isinstance(value, int) and 0 <= value <= 100):
            raise ValueError("volume must be 0-100")
        self.prefs = replace(self.prefs, **{name: value})  # type: ignore[arg-type]  # checked above

    def wipe(self, now: float) -> VisitorSession:
        """Clear every trace of this visitor and return a fresh session on the defaults."""
        self.typed.clear()
        self.history.clear()
        self.card_used = False
        self.prefs = Preferences.from_defaults(self.defaults)
        return VisitorSession(self.defaults, started_at=now)
