"""Sizes and colours of the kiosk, for an 80-year-old at a 1280x800 touchscreen.

One :class:`Theme` per app; KV reads ``app.theme.<name>`` and re-renders when the visitor
changes the text size or the contrast. Colour pairs are declared in :data:`PALETTES` so that a
test can prove every text colour has at least 7:1 contrast against its background.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty
from kivy.utils import get_color_from_hex

#: Text roles and the background each is drawn on, per theme. Hex colours (sRGB).
PALETTES: dict[str, dict[str, str]] = {
    "normal": {
        "bg": "#F6F4EE",
        "fg": "#151515",
        "muted": "#3A3A3A",
        "bar_bg": "#E4E0D6",
        "primary_bg": "#0A4A80",
        "primary_fg": "#FFFFFF",
        "secondary_bg": "#FFFFFF",
        "secondary_fg": "#151515",
        "help_bg": "#7A2E00",
        "help_fg": "#FFFFFF",
        "end_bg": "#3D3D3D",
        "end_fg": "#FFFFFF",
        "warn_bg": "#FFF1C2",
        "warn_fg": "#151515",
        "border": "#151515",
        "focus": "#C25E00",
        "assist_bg": "#5A1E7A",
        "assist_fg": "#FFFFFF",
    },
    "high": {
        "bg": "#000000",
        "fg": "#FFFFFF",
        "muted": "#FFFFFF",
        "bar_bg": "#000000",
        "primary_bg": "#FFFF00",
        "primary_fg": "#000000",
        "secondary_bg": "#000000",
        "secondary_fg": "#FFFF00",
        "help_bg": "#00FFFF",
        "help_fg": "#000000",
        "end_bg": "#FFFFFF",
        "end_fg": "#000000",
        "warn_bg": "#000000",
        "warn_fg": "#FFFF00",
        "border": "#FFFF00",
        "focus": "#00FFFF",
        "assist_bg": "#FF80FF",
        "assist_fg": "#000000",
    },
}

#: (text colour, background colour) pairs that carry text.
TEXT_PAIRS = [
    ("fg", "bg"),
    ("muted", "bg"),
    ("fg", "bar_bg"),
    ("primary_fg", "primary_bg"),
    ("secondary_fg", "secondary_bg"),
    ("help_fg", "help_bg"),
    ("end_fg", "end_bg"),
    ("warn_fg", "warn_bg"),
    ("assist_fg", "assist_bg"),  # the assisted-mode banner: a colour no other bar has
]

BODY_PX = 32
HEADING_PX = 48
TARGET_PX = 96
GAP_PX = 16


class Theme(EventDispatcher):
    """Current sizes and colours. Set ``text_size`` (100/150/200) and ``high_contrast``."""

    text_size = NumericProperty(100)
    high_contrast = BooleanProperty(False)

    body = NumericProperty(BODY_PX)
    small = NumericProperty(BODY_PX)
    heading = NumericProperty(HEADING_PX)
    title = NumericProperty(HEADING_PX)
    bar = NumericProperty(BODY_PX)
    target = NumericProperty(TARGET_PX)
    gap = NumericProperty(GAP_PX)
    pad = NumericProperty(24)
    radius = NumericProperty(14)
    border_width = NumericProperty(2)

    bg = ColorProperty()
    fg = ColorProperty()
    muted = ColorProperty()
    bar_bg = ColorProperty()
    primary_bg = ColorProperty()
    primary_fg = ColorProperty()
    secondary_bg = ColorProperty()
    secondary_fg = ColorProperty()
    help_bg = ColorProperty()
    help_fg = ColorProperty()
    end_bg = ColorProperty()
    end_fg = ColorProperty()
    warn_bg = ColorProperty()
    warn_fg = ColorProperty()
    border = ColorProperty()
    focus = ColorProperty()
    assist_bg = ColorProperty()
    assist_fg = ColorProperty()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.bind(text_size=self._apply, high_contrast=self._apply)
        self._apply()

    def _apply(self, *_: object) -> None:
        scale = self.text_size / 100.0
        self.body = round(BODY_PX * scale)
        self.small = round(BODY_PX * (0.85 + 0.15 * scale)) if scale > 1 else BODY_PX
        # Headings grow more slowly than body text so that a heading still fits a line at 200 %.
        self.heading = round(HEADING_PX * (1 + (scale - 1) * 0.5))
        # The top bar's title grows least: it must stay on one or two lines above the content.
        self.title = round(HEADING_PX * min(scale, 1.25))
        # The frame (top and bottom bars) grows to 150 % at most, leaving room for the content.
        self.bar = round(BODY_PX * min(scale, 1.5))
        self.target = max(TARGET_PX, round(self.body * 1.9))
        self.border_width = 4 if self.high_contrast else 2
        palette = PALETTES["high" if self.high_contrast else "normal"]
        for name, hex_colour in palette.items():
            setattr(self, name, get_color_from_hex(hex_colour))


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour like ``#0A4A80``."""
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio between two sRGB colours (1.0 .. 21.0)."""
    a, b = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)
