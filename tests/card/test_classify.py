"""ATR classification: the shipped table, masks and regexes, a site's table first, bad tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.core.errors import ConfigError
from kiosk.services.card.classify import load_atr_table, load_table_file, normalize_atr
from kiosk.services.card.service import DEFAULT_TABLE

from .conftest import SITE_TABLE

SMARTCARD_LIST = Path("/usr/share/pcsc/smartcard_list.txt")


@pytest.fixture(scope="module")
def table():
    return load_atr_table(DEFAULT_TABLE, SITE_TABLE)


@pytest.mark.parametrize(
    ("atr", "kind"),
    [
        ("3B 7F 96 00 00 80 31 B8 65 B0 85 04 02 1B 12 00 F6 82 90 00", "id_card"),
        ("3b:8f:80:01:80:31:b8:65:b0:85:03:00:ef:12:00:f6:82:90:00:4d", "id_card"),
        ("3B7B940000806211515646696E454944", "id_card"),
        ("3B7B940000806212515646696E454944", "id_card"),
        ("3B7B940000806213515646696E454944", "unknown"),  # the regex allows only 11 and 12
        ("3B 6F 00 00 00 31 C1 73 C8 21 10 64 47 4D 34 35 00 90 00", "bank_card"),
        ("3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A", "staff_card"),
        ("3B 6E 00 00 00 31 C0 65 FF FF FF FF FF FF FF FF FF FF", "bank_card"),  # site mask
        ("3B 6E 00 00 00 31 C0 66 FF FF FF FF FF FF FF FF FF FF", "unknown"),  # masked byte differs
        ("3B 7F 96 00 00 80 31 B8 65 B0 85 04 02 1B 12 00 F6 82 90", "unknown"),  # one byte short
        ("", "unknown"),
        ("not hex", "unknown"),
    ],
)
def test_classify(table, atr, kind):
    assert table.classify(atr) == kind


def test_bytes_and_lists_are_accepted(table):
    atr = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")
    assert table.classify(atr) == table.classify(list(atr)) == "staff_card"
    assert normalize_atr(list(atr[:3])) == "3B8F80"


def test_site_table_is_searched_first(tmp_path, table):
    site = tmp_path / "site.toml"
    site.write_text(
        '[[pattern]]\nkind = "staff_card"\nlabel = "x"\nsource = "site"\n'
        'atr = "3B 6F 00 00 00 31 C1 73 C8 21 10 64 47 4D 34 35 00 90 00"\n'
    )
    overlaid = load_atr_table(DEFAULT_TABLE, site)
    atr = "3B6F00000031C173C821106447 4D34350090 00".replace(" ", "")
    assert table.classify(atr) == "bank_card"
    assert overlaid.classify(atr) == "staff_card"
    assert overlaid.sources == (str(site), str(DEFAULT_TABLE))


def test_every_shipped_id_and_bank_pattern_cites_smartcard_list_and_is_in_it():
    """The shipped ATRs are the published ones: each appears in pcsc-tools' list on this machine."""
    published = SMARTCARD_LIST.read_text(encoding="utf-8", errors="replace")
    atr_lines = {line.strip().upper() for line in published.splitlines() if line[:2] == "3B"}
    patterns = load_table_file(DEFAULT_TABLE)
    assert {p.kind for p in patterns} == {"id_card", "bank_card"}
    for p in patterns:
        assert "smartcard_list.txt" in p.source, p.label
        written = (
            p.regex if p.regex is not None else " ".join(re.findall("..", normalize_atr(p.atr)))
        )
        assert written.upper() in atr_lines, f"{p.label}: {written} not in {SMARTCARD_LIST}"


def _bad(tmp_path, body: str) -> ConfigError:
    path = tmp_path / "bad.toml"
    path.write_text(body)
    with pytest.raises(ConfigError) as caught:
        load_atr_table(DEFAULT_TABLE, path)
    return caught.value


GOOD = '[[pattern]]\nkind = "bank_card"\nlabel = "ok"\nsource = "s"\natr = "3B 00"\n\n'


def test_bad_kind_names_file_pattern_field_and_line(tmp_path):
    err = _bad(tmp_path, GOOD + '[[pattern]]\nkind = "library_card"\nlabel = "x"\nsource = "s"\n')
    assert err.key == "pattern[2].kind"
    assert err.line == 8
    assert err.path.endswith("bad.toml")
    assert "id_card" in err.problem and "library_card" in err.problem


@pytest.mark.parametrize(
    ("extra", "key", "words", "line"),
    [
        ('atr = "3B 00"\nregex = "3B .."\n', "pattern[2]", "exactly one", 7),
        ("", "pattern[2]", "exactly one", 7),
        ('atr = "3B 0"\n', "pattern[2].atr", "hex bytes", 11),
        ('atr = "3B 00"\nmask = "FF"\n', "pattern[2].mask", "as long as atr", 12),
        ('regex = "3B (.."\n', "pattern[2].regex", "does not compile", 11),
        ('atr = "3B 00"\ncolour = "red"\n', "pattern[2].colour", "unknown key", 12),
        ("atr = 0x3B\n", "pattern[2].atr", "must be a string", 11),
    ],
)
def test_bad_patterns_are_explained(tmp_path, extra, key, words, line):
    err = _bad(
        tmp_path, GOOD + '[[pattern]]\nkind = "unknown"\nlabel = "x"\nsource = "s"\n' + extra
    )
    assert (err.key, err.line) == (key, line)
    assert words in err.problem


def test_missing_field_is_named(tmp_path):
    err = _bad(tmp_path, GOOD + '[[pattern]]\nkind = "unknown"\natr = "3B 00"\n')
    assert (err.key, err.line) == ("pattern[2].label", 7)
    assert "missing" in err.problem


def test_missing_and_broken_files_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="ATR table not found"):
        load_atr_table(DEFAULT_TABLE, tmp_path / "nope.toml")
    assert "not valid TOML" in _bad(tmp_path, "[[pattern]\n").problem
    assert _bad(tmp_path, "cards = 1\n").key == "cards"
