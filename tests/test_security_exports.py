"""Finding 5 of the security review: no cell of the CSV export, read with a comma, a
semicolon or a TAB as separator, starts a formula (docs/SECURITY.md, section 7)."""
import csv
import io

from django.urls import reverse
import pytest

from reviews.exports import FORMULA_STARTS
from tests.consortium_factories import make_user
from tests.review_factories import make_ncp, make_submission, member

pytestmark = pytest.mark.django_db

HOSTILE = [
    "SEMI;=1+1;",
    "TAB\t=1+1",
    "a,=1+1",
    "@SUM(1)",
    'QUOTE;"=1+1',
    "SPACE; =HYPERLINK(1)",
    "LINE\n=1+1",
    "CR\r+1",
    "DASH;-2+3",
    "MIX,\t@x;\t=y",
]


def exported_csv(client) -> str:
    client.force_login(make_ncp("ncp-ro@example.org", ["RO"]))
    response = client.get(reverse("reviews:export_csv"))
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("separator", [",", ";", "\t"])
@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_cell_starts_a_formula_whatever_the_separator_it_is_read_with(
    client, separator, hostile,
):
    make_submission(make_user(), acronym=hostile[:40], members=[
        member(f"{hostile} coordinator", "RO", "RO11", coordinator=True),
        member("Cluster Norte", "PT", "PT11"),
        member("Netzwerk Dresden", "DE", "DED2"),
    ])

    text = exported_csv(client)
    cells = [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator)
             for cell in row]

    formulas = [cell for cell in cells if cell.lstrip(" ").startswith(FORMULA_STARTS)]
    assert formulas == []
    assert len(cells) >= 2


def test_the_values_read_with_commas_keep_their_text_apart_from_the_quote_marks(client):
    make_submission(make_user(), acronym="SEMI;=1+1;", members=[
        member("TAB\t=1+1 Cluster", "RO", "RO11", coordinator=True),
        member("Cluster Norte", "PT", "PT11"),
        member("Netzwerk Dresden", "DE", "DED2"),
    ])

    row = list(csv.DictReader(io.StringIO(exported_csv(client), newline="")))[0]

    assert row["acronym"] == "SEMI;'=1+1;"
    assert row["coordinator"] == "TAB\t'=1+1 Cluster"
