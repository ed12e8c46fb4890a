from decimal import Decimal

import pytest

from config.text import money_text, reading_order


def test_accented_names_are_ordered_with_their_plain_letters():
    names = ["Ungaria", "Țara Galilor", "Österreich", "Tanzania", "Olanda", "Éire"]

    assert sorted(names, key=reading_order) == [
        "Éire", "Olanda", "Österreich", "Tanzania", "Țara Galilor", "Ungaria",
    ]


@pytest.mark.parametrize("amount, cents, language, expected", [
    (Decimal("350000"), True, "en", "EUR 350,000.00"),
    (Decimal("350000"), False, "en", "EUR 350,000"),
    (Decimal("350000"), False, "ro", "EUR 350.000"),
    (Decimal("1234.5"), False, "en", "EUR 1,234.50"),
    (Decimal("1234.5"), True, "ro", "EUR 1.234,50"),
])
def test_money_keeps_its_cents_unless_told_to_drop_them_from_whole_amounts(
    amount, cents, language, expected
):
    assert money_text(amount, cents=cents, language=language) == expected
