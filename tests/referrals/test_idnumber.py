"""Unit tests for referrals.idnumber (no database, no Django settings needed)."""

import random
from datetime import date, timedelta

import pytest
from django.utils.functional import Promise

from referrals.idnumber import (
    IdNumber,
    IdNumberError,
    IdNumberKind,
    compact,
    generate,
    generate_synthetic,
    mask,
    parse_id_number,
)

K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)  # k1 itself has weight 1
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)  # k2 itself has weight 1
TODAY = date(2025, 6, 1)


def weighted_remainder(number: str, weights: tuple[int, ...]) -> int:
    return sum(w * int(d) for w, d in zip(weights, number, strict=False)) % 11


def with_check_digits(nine: str, k1_remainder: int = 0) -> str | None:
    """Add k1 so the first weighted sum leaves k1_remainder, and a classic k2 (or None)."""
    k1 = (k1_remainder - weighted_remainder(nine, K1_WEIGHTS)) % 11
    k2 = -weighted_remainder(nine + str(k1), K2_WEIGHTS) % 11
    return None if 10 in (k1, k2) else f"{nine}{k1}{k2}"


def make_number(ddmmyy: str, individual: int, k1_remainder: int = 0) -> str:
    """First valid number at or after `individual` (some individual numbers give a 10)."""
    for candidate in range(individual, individual + 50):
        number = with_check_digits(f"{ddmmyy}{candidate:03d}", k1_remainder)
        if number:
            return number
    raise AssertionError("no usable individual number")


def error_code(value: str, **kwargs) -> str:
    with pytest.raises(IdNumberError) as excinfo:
        parse_id_number(value, **kwargs)
    return excinfo.value.code


def random_dates(rng: random.Random, count: int, first: date = date(1854, 1, 1)) -> list[date]:
    span = (TODAY - first).days
    return [first + timedelta(days=rng.randint(0, span)) for _ in range(count)]


def test_published_ordinary_number_from_the_1900s_gives_birth_date():
    result = parse_id_number("15108695088")  # example from python-stdnum's documentation
    assert result == IdNumber("15108695088", IdNumberKind.FNR, False, date(1986, 10, 15))


def test_ordinary_number_from_the_2000s_gives_birth_date():
    number = make_number("010203", 512)
    result = parse_id_number(number, today=TODAY)
    assert (result.kind, result.synthetic, result.birth_date) == ("fnr", False, date(2003, 2, 1))


def test_individual_number_500_to_749_with_year_54_to_99_is_from_the_1800s():
    assert parse_id_number(make_number("240660", 600)).birth_date == date(1860, 6, 24)


def test_900_series_with_year_40_to_99_is_from_the_1900s():
    assert parse_id_number(make_number("240660", 910)).birth_date == date(1960, 6, 24)


def test_individual_number_without_a_defined_century_is_a_date_error():
    assert error_code(make_number("240660", 800)) == "date"


def test_d_number_is_accepted_and_gives_birth_date():
    result = parse_id_number(make_number("510385", 123))
    assert (result.kind, result.synthetic, result.birth_date) == ("dnr", False, date(1985, 3, 11))


def test_h_number_is_accepted_and_gives_birth_date():
    result = parse_id_number(make_number("114785", 123))
    assert (result.kind, result.synthetic, result.birth_date) == ("hnr", False, date(1985, 7, 11))


def test_synthetic_number_is_accepted_when_allowed():
    result = parse_id_number(make_number("018590", 345), allow_synthetic=True)
    assert (result.kind, result.synthetic, result.birth_date) == ("fnr", True, date(1990, 5, 1))


def test_synthetic_number_is_rejected_by_default():
    assert error_code(make_number("018590", 345)) == "synthetic"


def test_synthetic_d_number_is_accepted_when_allowed():
    result = parse_id_number(make_number("718590", 345), allow_synthetic=True)
    assert (result.kind, result.synthetic, result.birth_date) == ("dnr", True, date(1990, 5, 31))


@pytest.mark.parametrize("remainder", [1, 2, 3])
def test_number_under_the_2032_rule_with_first_remainder_1_to_3_is_accepted(remainder):
    number = make_number("150132", 520, k1_remainder=remainder)
    assert weighted_remainder(number, K1_WEIGHTS) == remainder
    assert parse_id_number(number, today=date(2032, 2, 1)).birth_date == date(2032, 1, 15)


@pytest.mark.parametrize("remainder", [4, 7, 10])
def test_first_check_remainder_above_3_is_a_checksum_error(remainder):
    assert error_code(make_number("151086", 950, k1_remainder=remainder)) == "checksum"


@pytest.mark.parametrize("position", [9, 10])
def test_wrong_check_digit_is_a_checksum_error(position):
    number = "15108695088"
    wrong = str((int(number[position]) + 5) % 10)  # +5 keeps k1's remainder outside 0-3
    assert error_code(number[:position] + wrong + number[position + 1 :]) == "checksum"


@pytest.mark.parametrize("value", ["1510869508", "151086950881", ""])
def test_wrong_number_of_digits_is_a_length_error(value):
    assert error_code(value) == "length"


@pytest.mark.parametrize("value", ["15108695O88", "abcdefghijk", "151086-95088", "1510869508٨"])
def test_anything_but_digits_and_spaces_is_a_digits_error(value):
    assert error_code(value) == "digits"


def test_31_february_is_a_date_error():
    assert error_code(make_number("310290", 123)) == "date"


def test_d_and_h_offsets_together_is_a_date_error():
    assert error_code(make_number("514785", 123)) == "date"


def test_old_fh_number_starting_with_8_is_a_date_error():
    assert error_code(make_number("810385", 123)) == "date"


def test_birth_date_in_the_future_is_an_error():
    number = make_number("020625", 600)
    assert error_code(number, today=TODAY) == "future"
    assert parse_id_number(number, today=date(2025, 6, 2)).birth_date == date(2025, 6, 2)


@pytest.mark.parametrize(
    "value", ["151086 95088", " 15108695088 ", "151 086 950 88", "151086\t95088"]
)
def test_spaces_are_stripped(value):
    assert compact(value) == "15108695088"
    assert parse_id_number(value).number == "15108695088"


def test_mask_shows_only_the_birth_date_part():
    assert mask("01020312345") == "010203 *****"
    assert mask("010203 12345") == "010203 *****"


def test_error_carries_code_and_lazy_norwegian_message():
    with pytest.raises(ValueError) as excinfo:
        parse_id_number("123")
    assert excinfo.value.code == "length"
    assert isinstance(excinfo.value.message, Promise)


def test_generated_numbers_round_trip_for_200_random_dates():
    rng = random.Random(2032)
    for birth_date in random_dates(rng, 200):
        number = generate(birth_date, rng)
        assert weighted_remainder(number, K1_WEIGHTS) == 0  # classic rule only
        result = parse_id_number(number, today=TODAY)
        assert (result.kind, result.synthetic, result.birth_date) == ("fnr", False, birth_date)


@pytest.mark.parametrize("kind", ["fnr", "dnr"])
def test_generated_synthetic_numbers_round_trip_for_200_random_dates(kind):
    rng = random.Random(80)
    for birth_date in random_dates(rng, 200):
        number = generate_synthetic(birth_date, rng, kind=kind)
        assert weighted_remainder(number, K1_WEIGHTS) == 0
        assert error_code(number, today=TODAY) == "synthetic"
        result = parse_id_number(number, allow_synthetic=True, today=TODAY)
        assert (result.kind, result.synthetic, result.birth_date) == (kind, True, birth_date)


def test_generate_rejects_years_without_an_individual_number_series():
    with pytest.raises(ValueError):
        generate(date(1853, 12, 31), random.Random(1))
    with pytest.raises(ValueError):
        generate_synthetic(date(1990, 1, 1), random.Random(1), kind="hnr")
