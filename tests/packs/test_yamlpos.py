"""Line-keeping YAML: key lines, duplicate keys, aliases, tags, bytes checks."""

from __future__ import annotations

from kiosk.packs.yamlpos import dotted, load_yaml, parse_yaml


def test_lines_of_keys_and_items():
    parsed, problems = parse_yaml("a: 1\nb:\n  - x: 2\n  - {y: no, z: 2026-01-02}\n", "f")
    assert problems == []
    assert parsed.data == {"a": 1, "b": [{"x": 2}, {"y": False, "z": parsed.data["b"][1]["z"]}]}
    assert parsed.line_of(("b", 1, "z")) == 4
    assert parsed.line_of(("b", 0, "missing", "deeper")) == 3


def test_duplicate_keys_and_unknown_tags_are_problems():
    _, problems = parse_yaml("a: 1\nb: !python/object x\na: 2\n", "f.yaml")
    assert [str(p) for p in problems] == [
        "f.yaml:2: b: cannot be read: could not determine a constructor for the tag "
        "'!python/object'",
        "f.yaml:3: a: duplicate key (first at line 1); keep only one",
    ]


def test_aliases_are_expanded_but_self_reference_is_refused():
    parsed, problems = parse_yaml("base: &b {x: 1}\ncopy: *b\n", "f")
    assert problems == [] and parsed.data["copy"] == {"x": 1}
    _, problems = parse_yaml("a: &a [1, *a]\n", "f")
    assert [p.message for p in problems] == ["an alias (*) refers to the value it is inside of"]


def test_empty_and_invalid_yaml():
    assert [str(p) for p in parse_yaml("# only a comment\n", "f")[1]] == ["f: the file is empty"]
    assert [str(p) for p in parse_yaml("a: [1\n", "f")[1]] == [
        "f:2: not valid YAML: while parsing a flow sequence did not find expected ',' or ']'"
    ]


def test_bytes_are_checked_before_parsing(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * 300)
    assert [str(p) for p in load_yaml(big, "big.yaml", 1024)[1]] == [
        "big.yaml: the file is 1.5 KiB; at most 1.0 KiB is allowed: split it up"
    ]
    assert [p.message for p in load_yaml(tmp_path / "gone.yaml", "g", 10)[1]] == [
        "cannot be read: No such file or directory"
    ]
    assert [p.message for p in load_yaml(tmp_path, "dir", 10)[1]] == ["is not a file"]


def test_dotted_paths_count_items_from_one():
    assert dotted(("steps", 2, "screen", "components", 0, "text")) == (
        "steps[3].screen.components[1].text"
    )
