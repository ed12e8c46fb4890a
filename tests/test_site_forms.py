"""Amounts and dates are read as a person of the page's language writes them, never silently
misread; the forms show stored values as the site writes them, and read them back."""
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import translation
import pytest

from calls.templatetags.call_formatting import euro
from config.forms import AmountField, LocalDateField, read_amount, read_date, written_amount
from consortia.forms import ConsortiumForm
from consortia.models import Consortium
from tests.consortium_factories import (
    ELIGIBLE_PROJECT,
    PASSWORD,
    escp_call,
    form_data,
    make_consortium,
    make_user,
)

NBSP, THIN, NARROW_NBSP = "\u00a0", "\u2009", "\u202f"

ROMANIAN_AMOUNTS = [
    ("350.000,00", "350000.00"),
    ("350 000,00", "350000.00"),
    ("350000,5", "350000.5"),
    ("350.000", "350000"),
    ("350000", "350000"),
    ("1.234.567,89", "1234567.89"),
    (f"350{NBSP}000,00", "350000.00"),
    (f"350{THIN}000", "350000"),
    (f"350{NARROW_NBSP}000,50", "350000.50"),
    ("EUR 350.000", "350000"),
    ("EUR350.000,00", "350000.00"),
    ("€ 466.666,67", "466666.67"),
    ("350.000 €", "350000"),
    ("350.000 euro", "350000"),
    ("1,5", "1.5"),
    (",50", "0.50"),
    ("0", "0"),
    ("  12.500  ", "12500"),
    ("-1", "-1"),
]
ENGLISH_AMOUNTS = [
    ("350,000.00", "350000.00"),
    ("350000", "350000"),
    ("350,000", "350000"),
    ("350000.5", "350000.5"),
    ("1,234,567.89", "1234567.89"),
    ("350 000.00", "350000.00"),
    (f"350{NBSP}000", "350000"),
    (f"350{THIN}000.25", "350000.25"),
    ("EUR 350,000", "350000"),
    ("€350,000.50", "350000.50"),
    ("eur 1,000", "1000"),
    (".5", "0.5"),
    ("1.5", "1.5"),
    ("−20", "-20"),
]


@pytest.mark.parametrize("typed, expected", ROMANIAN_AMOUNTS)
def test_an_amount_written_the_romanian_way_is_read_as_meant(typed, expected):
    with translation.override("ro"):
        assert read_amount(typed) == Decimal(expected)


@pytest.mark.parametrize("typed, expected", ENGLISH_AMOUNTS)
def test_an_amount_written_the_english_way_is_read_as_meant(typed, expected):
    with translation.override("en"):
        assert read_amount(typed) == Decimal(expected)


# (language, typed, error code, what the message says)
REFUSED = [
    # A dot followed by anything but three digits is no Romanian thousands separator.
    ("ro", "1.5", "unclear", "Ați vrut să scrieți 1,5? Scrieți un punct între mii și o virgulă "
                            "înaintea zecimalelor, de exemplu 350.000,50."),
    ("ro", "350.00", "unclear", "Ați vrut să scrieți 350,00?"),
    ("ro", "350,000.00", "unclear", "Ați vrut să scrieți 350.000,00?"),
    ("ro", "35.0000", "unclear", "de exemplu 350.000,50"),
    ("ro", "3.50.000", "unclear", "de exemplu 350.000,50"),
    ("ro", "0.005", "unclear", "de exemplu 350.000,50"),
    ("ro", "350.000 000", "unclear", "de exemplu 350.000,50"),
    ("ro", "1,2,3", "unclear", "de exemplu 350.000,50"),
    ("ro", "1.234,567", "max_decimal_places", "O sumă are cel mult 2 zecimale."),
    ("ro", "350000,005", "max_decimal_places", "O sumă are cel mult 2 zecimale."),
    ("ro", "mult", "invalid", "Introduceți o sumă în euro, de exemplu 350.000,50."),
    # In English a dot marks the cents: 350.000 has three decimals (the person may have meant
    # 350 thousand, the Romanian way), and 1,5 is no English thousands grouping.
    ("en", "350.000", "max_decimal_places",
     "An amount has at most 2 decimal places. Did you mean 350,000? Write a comma between the "
     "thousands and a dot before the cents, for example 350,000.50."),
    ("en", "100.005", "max_decimal_places", "An amount has at most 2 decimal places."),
    ("en", "1,5", "unclear", "Did you mean 1.5? Write a comma between the thousands and a dot "
                            "before the cents, for example 350,000.50."),
    ("en", "1,50", "unclear", "Did you mean 1.50?"),
    ("en", "350.000,00", "unclear", "Did you mean 350,000.00?"),
    ("en", "1 000,5", "unclear", "Did you mean 1,000.5?"),
    ("en", "1.000.000", "unclear", "for example 350,000.50"),
    ("en", "35,0000", "unclear", "for example 350,000.50"),
    ("en", "350  000", "unclear", "for example 350,000.50"),
    ("en", "lots", "invalid", "Enter an amount in euro, for example 350,000.50."),
    ("en", "1e400", "invalid", "Enter an amount"),
    ("en", "NaN", "invalid", "Enter an amount"),
    ("en", "Infinity", "invalid", "Enter an amount"),
    ("en", "-", "invalid", "Enter an amount"),
    ("en", "١٢٣", "invalid", "Enter an amount"),
    ("en", "12\t000", "invalid", "Enter an amount"),
]


@pytest.mark.parametrize("language, typed, code, message", REFUSED)
def test_an_amount_that_could_be_misread_is_refused_with_how_to_write_it(language, typed, code,
                                                                         message):
    with translation.override(language), pytest.raises(ValidationError) as refusal:
        read_amount(typed)

    assert refusal.value.code == code
    assert message in refusal.value.messages[0]


@pytest.mark.parametrize("typed", ["", "   ", "EUR ", " € "])
def test_an_empty_amount_is_no_amount(typed):
    assert read_amount(typed) is None


AMOUNTS = ["0", "0.50", "12", "999.99", "1000", "466666.67", "350000.00", "2800000", "1234567.8"]


@pytest.mark.parametrize("language", ["en", "ro"])
@pytest.mark.parametrize("amount", AMOUNTS)
def test_what_the_site_writes_for_an_amount_is_read_back_as_that_amount(language, amount):
    with translation.override(language):
        assert read_amount(euro(Decimal(amount))) == Decimal(amount)
        assert read_amount(written_amount(Decimal(amount))) == Decimal(amount)


@pytest.mark.parametrize("language, expected", [("en", "466,666.67"), ("ro", "466.666,67")])
def test_the_amount_field_shows_a_stored_amount_as_the_site_writes_it(language, expected):
    field = AmountField(max_digits=14, decimal_places=2, required=False)

    with translation.override(language):
        shown = field.prepare_value(Decimal("466666.67"))
        assert shown == expected
        assert euro(Decimal("466666.67")) == f"EUR {shown}"


def test_the_amount_field_shows_what_was_typed_back_as_typed():
    field = AmountField(max_digits=14, decimal_places=2, required=False)

    assert field.prepare_value("350.000,0O") == "350.000,0O"


def test_the_amount_field_keeps_the_model_limits_on_digits():
    field = AmountField(max_digits=14, decimal_places=2, required=False)

    with pytest.raises(ValidationError, match="14 digits"):
        field.clean("9" * 40)


# Dates: ISO from a date picker, day first as typed, or written out in the page's language.

DATES = [
    ("en", "2018-11-01"), ("ro", "2018-11-01"),
    ("en", "01/11/2018"), ("en", "1/11/2018"), ("en", "01.11.2018"), ("en", "1 November 2018"),
    ("en", "1 Nov 2018"),
    ("ro", "01.11.2018"), ("ro", "1.11.2018"), ("ro", "01/11/2018"), ("ro", "01-11-2018"),
    ("ro", "1 noiembrie 2018"), ("ro", "1 Noiembrie 2018"), ("ro", "1 noi. 2018"),
    ("ro", " 01.11.2018 "),
]


@pytest.mark.parametrize("language, typed", DATES)
def test_a_date_is_read_as_a_person_of_the_page_language_or_a_date_picker_writes_it(
    language, typed,
):
    with translation.override(language):
        assert read_date(typed) == date(2018, 11, 1)


@pytest.mark.parametrize("language, typed, message", [
    ("en", "2018-02-30", "Enter a valid date as dd/mm/yyyy, for example 01/11/2018."),
    ("en", "31/04/2018", "dd/mm/yyyy"),
    ("en", "01/11/18", "dd/mm/yyyy"),
    ("en", "next monday", "dd/mm/yyyy"),
    ("ro", "30.02.2018", "Introduceți o dată validă în forma zz.ll.aaaa, de exemplu 01.11.2018."),
    ("ro", "1 brumar 2018", "zz.ll.aaaa"),
    ("ro", "2018.11.01", "zz.ll.aaaa"),
])
def test_a_date_that_cannot_be_read_is_refused_naming_the_format_of_the_language(
    language, typed, message
):
    with translation.override(language), pytest.raises(ValidationError) as refusal:
        read_date(typed)

    assert message in refusal.value.messages[0]


@pytest.mark.parametrize("language, shown, placeholder, hint", [
    ("en", 'value="01/11/2018"', 'placeholder="dd/mm/yyyy"',
     "Write it as dd/mm/yyyy, for example 01/11/2018."),
    ("ro", 'value="01.11.2018"', 'placeholder="zz.ll.aaaa"',
     "Scrieți-o în forma zz.ll.aaaa, de exemplu 01.11.2018."),
])
def test_the_date_field_names_its_format_and_shows_a_stored_date_in_it(language, shown,
                                                                       placeholder, hint):
    from django import forms

    class Form(forms.Form):
        start = LocalDateField(required=False, help_text="The first day.")

    with translation.override(language):
        form = Form(initial={"start": date(2018, 11, 1)})
        html = str(form["start"])
        assert shown in html
        assert placeholder in html
        assert 'type="text"' in html
        assert str(form.fields["start"].help_text).endswith(hint)


# Through the consortium page, in Romanian.

@pytest.mark.django_db
def test_a_romanian_applicant_saves_amounts_and_a_date_written_the_romanian_way(client):
    owner = make_user()
    consortium = make_consortium(owner)
    client.login(username=owner.email, password=PASSWORD)
    data = form_data({**ELIGIBLE_PROJECT, "start_date": "01.11.2018",
                      "total_eligible_costs": "466.666,67", "requested_grant": "EUR 350.000"},
                     call=consortium.call, existing=list(consortium.members.all()))

    response = client.post(f"/ro/consortia/{consortium.pk}/edit/", data)

    assert response.status_code == 302, response.context["form"].errors
    consortium.refresh_from_db()
    assert consortium.total_eligible_costs == Decimal("466666.67")
    assert consortium.requested_grant == Decimal("350000")
    assert consortium.start_date == date(2018, 11, 1)


@pytest.mark.django_db
def test_the_romanian_consortium_page_shows_amounts_and_dates_the_romanian_way_and_reads_them_back(
    client,
):
    owner = make_user()
    consortium = make_consortium(owner, total_eligible_costs=Decimal("466666.67"),
                                 requested_grant=Decimal("350000.00"), start_date=date(2018, 11, 1))
    client.login(username=owner.email, password=PASSWORD)

    page = client.get(f"/ro/consortia/{consortium.pk}/edit/")

    html = page.content.decode()
    assert 'value="466.666,67"' in html and 'value="350.000"' in html
    assert 'value="01.11.2018"' in html and 'placeholder="zz.ll.aaaa"' in html
    form = page.context["form"]
    shown = {name: form[name].value() for name in form.fields}
    data = form_data(shown, call=consortium.call, existing=list(consortium.members.all()))
    response = client.post(f"/ro/consortia/{consortium.pk}/edit/", data)
    assert response.status_code == 302
    consortium.refresh_from_db()
    assert consortium.total_eligible_costs == Decimal("466666.67")
    assert consortium.requested_grant == Decimal("350000")
    assert consortium.start_date == date(2018, 11, 1)


@pytest.mark.django_db
def test_an_amount_that_could_be_misread_on_the_romanian_page_is_refused_next_to_its_field(client):
    owner = make_user()
    consortium = make_consortium(owner)
    client.login(username=owner.email, password=PASSWORD)
    data = form_data({**ELIGIBLE_PROJECT, "start_date": "01.11.2018",
                      "requested_grant": "350.00"},
                     call=consortium.call, existing=list(consortium.members.all()))

    response = client.post(f"/ro/consortia/{consortium.pk}/edit/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ați vrut să scrieți 350,00?" in html
    assert 'value="350.00"' in html
    consortium.refresh_from_db()
    assert consortium.requested_grant == Decimal("350000.00")


@pytest.mark.django_db
def test_the_english_form_reads_an_english_amount_and_refuses_a_romanian_one():
    call = escp_call()
    english = ConsortiumForm(form_data({**ELIGIBLE_PROJECT, "total_eligible_costs": "466,666.67"},
                                       call=call), instance=Consortium(call=call))
    romanian = ConsortiumForm(form_data({**ELIGIBLE_PROJECT, "total_eligible_costs": "466.666,67"},
                                        call=call), instance=Consortium(call=call))

    assert english.is_valid(), english.errors
    assert english.cleaned_data["total_eligible_costs"] == Decimal("466666.67")
    assert not romanian.is_valid()
    assert "Did you mean 466,666.67?" in romanian.errors["total_eligible_costs"][0]
