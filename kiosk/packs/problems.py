"""One problem found in a pack: where it is and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """A problem an admin can act on; ``str()`` gives ``FILE:LINE: field.path: message``.

    ``line`` is 1-based; 0 when the problem concerns a whole file or folder (then the line part
    is left out). ``field`` is the dotted path inside the file, list items counted from 1
    (``steps[3].action.value`` is the value of the third step's action); empty for the whole file.
    """

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Sorted by file, then line, without duplicates."""
    return sorted(set(problems))
