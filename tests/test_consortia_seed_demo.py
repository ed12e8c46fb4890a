"""seed_demo: a practice call a few weeks ahead, demo accounts and consortia, run any number of
times."""
from datetime import datetime, time
import io
import zoneinfo

from django.core.management import CommandError, call_command
import pytest
import time_machine

from accounts.models import User
from calls.models import Call
from consortia.management.commands.seed_demo import ADMIN, APPLICANT, NCP_ROMANIA, PRACTICE_CALL
from consortia.models import Consortium, Submission
from eligibility.services import check_consortium

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 11, 26, 18, 30, tzinfo=BRUSSELS)


def seed() -> str:
    output = io.StringIO()
    call_command("seed_demo", allow_without_debug=True, stdout=output)
    return output.getvalue()


@pytest.fixture
def seeded():
    with time_machine.travel(NOW, tick=False):
        return seed()


def test_the_practice_call_is_labelled_and_closes_in_four_weeks_at_17_00_brussels(seeded):
    call = Call.objects.get(reference=PRACTICE_CALL)

    assert call.is_practice
    assert call.deadline_local.date().isoformat() == "2026-12-24"
    assert call.deadline_local.time() == time(17, 0)
    assert str(call.deadline_local.tzinfo) == "Europe/Brussels"


def test_the_practice_call_has_the_rules_and_parameters_of_escp_s3(seeded):
    practice = Call.objects.get(reference=PRACTICE_CALL)
    source = Call.objects.get(reference="COS-CLUSTPARTNS-2017-3-02")
    assert practice.region_classification_id == source.region_classification_id
    practice_options, source_options = practice.options_by_code(), source.options_by_code()
    assert practice_options.pop("start_window") != source_options.pop("start_window")
    assert practice_options == source_options
    assert set(practice.rules.values_list("code", "severity", "reference")) == set(
        source.rules.values_list("code", "severity", "reference")
    )
    # Projects start in the same months after the deadline as in the real call (8th and 9th).
    assert practice.rule_options("start_window") == {
        "earliest": "2027-08-01", "latest": "2027-09-30"
    }


def test_the_demo_accounts_exist_with_their_printed_passwords(seeded):
    for account in (APPLICANT, NCP_ROMANIA, ADMIN):
        user = User.objects.get(email=account.email)
        assert user.check_password(account.password)
        assert user.is_active and not user.signup_pending  # they log in without an e-mail
        assert account.email in seeded and account.password in seeded
    assert User.objects.get(email=ADMIN.email).is_superuser
    assert not User.objects.get(email=NCP_ROMANIA.email).is_staff


def test_the_applicant_has_an_eligible_submission_and_a_draft_failing_the_country_minimum(seeded):
    applicant = User.objects.get(email=APPLICANT.email)
    submitted = Consortium.objects.owned_by(applicant).get(status=Consortium.Status.SUBMITTED)
    draft = Consortium.objects.owned_by(applicant).get(status=Consortium.Status.DRAFT)

    assert Submission.objects.active().get().consortium == submitted
    with time_machine.travel(NOW, tick=False):
        report = check_consortium(draft)
    failing = [outcome.rule for outcome in report.outcomes if outcome.status == "fail"]
    assert failing == ["min_countries"]


def test_running_it_again_changes_nothing(seeded):
    before = (Call.objects.count(), User.objects.count(), Consortium.objects.count(),
              Submission.objects.count(), Call.objects.get(reference=PRACTICE_CALL).deadline)

    with time_machine.travel(NOW.replace(day=27), tick=False):
        output = seed()

    assert "open, unchanged" in output
    assert (Call.objects.count(), User.objects.count(), Consortium.objects.count(),
            Submission.objects.count(),
            Call.objects.get(reference=PRACTICE_CALL).deadline) == before


def test_once_the_practice_deadline_has_passed_it_moves_forward_again(seeded):
    later = datetime(2027, 1, 10, 9, 0, tzinfo=BRUSSELS)

    with time_machine.travel(later, tick=False):
        seed()

    call = Call.objects.get(reference=PRACTICE_CALL)
    assert call.deadline_local.date().isoformat() == "2027-02-07"
    assert Submission.objects.count() == 1


def test_it_refuses_to_run_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())
