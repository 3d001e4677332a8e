"""Fake-data rules: the ready-made fake IBANs, references and identity codes pass; typos fail."""

from __future__ import annotations

import pytest

from kiosk.packs.fakedata import address_problem, text_problems

GOOD = [
    "Tilille FI35 5000 1234 5600 16",
    "FI82 1234 5600 0012 39",
    "FI57393900001234 55",
    "Viite RF42 2024 0015",
    "RF33 2348 236",
    "Henkilötunnus 010151-901N",
    "010594Y9032",
    "Summa 84,90 €, viite 202 40015",
]


@pytest.mark.parametrize("text", GOOD)
def test_good_fake_data_passes(text):
    assert text_problems(text) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("FI35 5000 1234 5600 61", "IBAN FI35 5000 1234 5600 61 has wrong check digits (mod 97)"),
        ("RF43 2024 0015", "RF reference RF43 2024 0015 has wrong check digits (mod 97)"),
        ("010151-901X", "identity code 010151-901X: wrong check character; it should be N"),
        (
            "131052-308T",
            "identity code 131052-308T: use an individual number 900-999 (never given to a "
            "person) so it is clearly fake",
        ),
    ],
)
def test_bad_fake_data_is_named(text, problem):
    assert text_problems(text) == [problem]


@pytest.mark.parametrize(
    "address",
    ["tunnistus.example.fi/valitse", "https://pankki.example/", "kela.test", "example.fi"],
)
def test_made_up_addresses_pass(address):
    assert address_problem(address) is None


@pytest.mark.parametrize("address", ["www.kela.fi", "omakanta.fi/fi", "https://op.fi/login"])
def test_real_looking_addresses_fail(address):
    assert "may be a real site" in (address_problem(address) or "")
