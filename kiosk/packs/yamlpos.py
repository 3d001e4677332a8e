"""Read a YAML file of a pack safely and remember the line of every key.

The bytes are checked before parsing (size, binary, UTF-8); the file is then composed with
PyYAML's safe loader (libyaml when available) into nodes, and the nodes are turned into plain
data by hand so that duplicate keys and unknown tags become problems with their line instead of
being silently accepted, aliases cannot blow up, and each key's line is known for later messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kiosk.packs.problems import Problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"
#: Deeper nesting than any pack needs; guards the recursive walk below.
MAX_DEPTH = 40
#: More values than the largest allowed file can hold without aliases expanding it.
MAX_NODES = 50_000

Loc = tuple[str | int, ...]


@dataclass
class Parsed:
    """The data of one YAML file with the 1-based line of every key and list item."""

    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int:
        """The line of ``loc``, or of its longest prefix that exists (e.g. for a missing key)."""
        for end in range(len(loc), 0, -1):
            line = self.lines.get(loc[:end])
            if line is not None:
                return line
        return 1


def read_bytes(path: Path, display: str, max_bytes: int) -> tuple[str | None, list[Problem]]:
    """The text of ``path`` if it is a UTF-8 text file of at most ``max_bytes``; else problems.

    Size is checked on the file before reading it all, so a huge file is never loaded.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, [Problem(display, 0, "", f"cannot be read: {exc.strerror or exc}")]
    if not path.is_file():
        return None, [Problem(display, 0, "", "is not a file")]
    if size > max_bytes:
        return None, [
            Problem(
                display,
                0,
                "",
                f"the file is {_kib(size)}; at most {_kib(max_bytes)} is allowed: split it up",
            )
        ]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 0, "", f"cannot be read: {exc.strerror or exc}")]
    if b"\x00" in raw:
        return None, [Problem(display, 0, "", "is a binary file, not YAML text")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                display,
                line,
                "",
                f"not valid UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            )
        ]
    return text, []


def parse_yaml(text: str, display: str) -> tuple[Parsed | None, list[Problem]]:
    """Parse one YAML document into data and key lines. Never raises for content problems."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        return None, [Problem(display, line, "", f"not valid YAML: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 0, "", f"not valid YAML: {exc}")]
    if node is None:
        return None, [Problem(display, 0, "", "the file is empty")]
    walker = _Walker(display)
    try:
        data = walker.build(node, (), 0)
    except RecursionError:
        return None, [Problem(display, 0, "", "nested too deeply")]
    return Parsed(data, walker.lines), walker.problems


def load_yaml(path: Path, display: str, max_bytes: int) -> tuple[Parsed | None, list[Problem]]:
    """:func:`read_bytes` then :func:`parse_yaml`."""
    text, problems = read_bytes(path, display, max_bytes)
    if text is None:
        return None, problems
    return parse_yaml(text, display)


class _Walker:
    """Turns composed nodes into plain data, noting lines and problems on the way."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.lines: dict[Loc, int] = {(): 1}
        self.problems: list[Problem] = []
        self._active: set[int] = set()
        self._count = 0
        self._constructor = yaml.constructor.SafeConstructor()

    def _problem(self, node: yaml.Node, loc: Loc, message: str) -> None:
        self.problems.append(Problem(self.display, node.start_mark.line + 1, dotted(loc), message))

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        # Aliases (*name) give back the anchored node itself, so a shared node is simply built
        # again; the node budget stops "billion laughs" expansion and the active set stops an
        # anchor that contains its own alias.
        self._count += 1
        if self._count > MAX_NODES:
            if self._count == MAX_NODES + 1:
                self._problem(node, loc, "too many values; aliases (*) repeat too much")
            return None
        if depth > MAX_DEPTH:
            self._problem(node, loc, "nested too deeply")
            return None
        if id(node) in self._active:
            self._problem(node, loc, "an alias (*) refers to the value it is inside of")
            return None
        self._active.add(id(node))
        try:
            return self._build(node, loc, depth)
        finally:
            self._active.discard(id(node))

    def _build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            result = []
            for index, item in enumerate(node.value):
                self.lines[(*loc, index)] = item.start_mark.line + 1
                result.append(self.build(item, (*loc, index), depth + 1))
            return result
        if node.tag == _STR_TAG:
            return node.value
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._problem(node, loc, f"cannot be read: {getattr(exc, 'problem', exc)}")
            return None

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, loc, "a key must be a plain name")
                continue
            key = self.build(key_node, loc, depth + 1)
            if not isinstance(key, str | int) or isinstance(key, bool):
                key = str(key_node.value)
            if key in result:
                self._problem(
                    key_node,
                    (*loc, key),
                    f"duplicate key (first at line {first_line[key]}); keep only one",
                )
            else:
                first_line[key] = line
            self.lines[(*loc, key)] = line
            result[key] = self.build(value_node, (*loc, key), depth + 1)
        return result


def dotted(loc: Loc) -> str:
    """``("steps", 2, "action")`` -> ``steps[3].action`` (list items counted from 1)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _kib(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    return f"{size / 1024:.1f} KiB" if size < 10 * 1024 else f"{size / 1024:.0f} KiB"
