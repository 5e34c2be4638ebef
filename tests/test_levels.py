"""Level scales as data: parsing level strings, scale checks, referencing to the EQF."""

from __future__ import annotations

import pytest

from outcome_matcher.errors import InputError
from outcome_matcher.levels import (
    Level,
    check_level,
    eqf_referencing,
    parse_level,
    referencing,
    scale,
    scales,
    to_eqf,
)


def test_the_four_scales_with_their_ranges_and_sources() -> None:
    ranges = {s.id: (s.lowest, s.highest) for s in scales().values()}
    assert ranges == {"eqf": (1, 8), "ru_nqf": (1, 9), "kz_nqf": (1, 8), "uz_nqf": (1, 8)}
    assert "148н" in scales()["ru_nqf"].source
    assert "2017/C 189/03" in scales()["eqf"].source
    assert all(s.source for s in scales().values())


@pytest.mark.parametrize(
    ("text", "given", "expected"),
    [
        ("6", "ru_nqf", Level("ru_nqf", 6)),
        (6, "ru_nqf", Level("ru_nqf", 6)),
        ("НКР 6", "ru_nqf", Level("ru_nqf", 6)),
        ("уровень 5", "ru_nqf", Level("ru_nqf", 5)),
        ("5-й уровень", "ru_nqf", Level("ru_nqf", 5)),
        ("EQF 6", "ru_nqf", Level("eqf", 6)),
        ("6.1", "kz_nqf", Level("kz_nqf", 6, 1)),
        ("4,2", "kz_nqf", Level("kz_nqf", 4, 2)),
        ("ҰБШ 4-деңгей", "eqf", Level("kz_nqf", 4)),
        ("НРК РК 5", "uz_nqf", Level("kz_nqf", 5)),
        ("6-daraja", "uz_nqf", Level("uz_nqf", 6)),
        ("Level 7", "eqf", Level("eqf", 7)),
    ],
)
def test_level_strings_are_read_on_their_scale(text: str, given: str, expected: Level) -> None:
    assert parse_level(text, given) == expected


def test_a_level_text_round_trips() -> None:
    assert parse_level("6.1", "kz_nqf").text == "6.1"
    assert parse_level("уровень 7", "ru_nqf").text == "7"


@pytest.mark.parametrize(
    ("text", "given", "message"),
    [
        ("10", "ru_nqf", "outside the ru_nqf scale (1-9)"),
        ("9", "kz_nqf", "outside the kz_nqf scale (1-8)"),
        ("0", "eqf", "outside the eqf scale"),
        ("6.1", "eqf", "has no sub-levels"),
        ("высокий", "ru_nqf", "unreadable level"),
        ("5 или 6", "ru_nqf", "unreadable level"),
        ("", "ru_nqf", "unreadable level"),
    ],
)
def test_bad_levels_name_the_place(text: str, given: str, message: str) -> None:
    where = "ProfessionalStandart[1]/GeneralizedWorkFunction[2]/LevelOfQualification"
    with pytest.raises(InputError) as caught:
        parse_level(text, given, file="x.xml", where=where)
    assert message in caught.value.message
    assert caught.value.context == {"file": "x.xml", "field": where}


def test_unknown_scale_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown level scale 'ua_nqf'"):
        parse_level("5", "ua_nqf")
    with pytest.raises(InputError, match="outside"):
        check_level(Level("uz_nqf", 9))


def test_aliases_name_scales() -> None:
    assert scale("ҰБШ").id == "kz_nqf"
    assert scale("Milliy malaka ramkasi").id == "uz_nqf"
    assert scale("ЕКР").id == "eqf"


def test_to_eqf_uses_the_referencing_tables() -> None:
    assert [to_eqf("ru_nqf", n) for n in range(1, 10)] == [1, 2, 3, 4, 5, 6, 7, 8, 8]
    assert to_eqf("kz_nqf", "6.2") == 6
    assert to_eqf("uz_nqf", Level("uz_nqf", 3)) == 3
    assert to_eqf("eqf", "EQF 5") == 5
    with pytest.raises(InputError, match="outside"):
        to_eqf("ru_nqf", 10)


def test_every_table_states_its_status_and_covers_its_scale() -> None:
    for table in referencing():
        assert table.status in {"official", "working_assumption", "identity"}
        assert table.source
        source = scales()[table.source_scale]
        assert set(table.table) == set(range(source.lowest, source.highest + 1))
        target = scales()[table.target_scale]
        assert all(target.lowest <= v <= target.highest for v in table.table.values())
    # None of the national tables is official: the data must say so, not invent a referencing.
    for scale_id in ("ru_nqf", "kz_nqf", "uz_nqf"):
        found = eqf_referencing(scale_id)
        assert found.status == "working_assumption"
        assert "working assumption" in found.source
