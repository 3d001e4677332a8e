"""The result type of ``kiosk check``: one line per part, OK or what is wrong and how to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class CheckResult:
    """One line of the installer's self-test.

    ``required`` parts make ``kiosk check`` exit non-zero when not OK; optional parts (speech,
    card reader, hub link) are reported but the kiosk runs without them, degraded visibly.
    """

    name: str
    ok: bool
    message: str
    required: bool = True

    def line(self) -> str:
        mark = "OK  " if self.ok else ("FAIL" if self.required else "WARN")
        return f"{mark} {self.name}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def overall_ok(results: list[CheckResult]) -> bool:
    """True when every required part is OK."""
    return all(r.ok for r in results if r.required)
