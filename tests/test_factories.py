"""The test data factories make what their traits say, through the site's own services."""
from django.utils import timezone
import pytest

from audit.models import Action, Event
from consortia.models import Consortium
from consortia.services import DeadlinePassed, consortium_submit
from reviews.models import Review, ReviewStatus
from tests.factories import ESCP_S3, PASSWORD, ConsortiumFactory, UserFactory, submission_of

pytestmark = pytest.mark.django_db


def test_a_consortium_is_an_eligible_draft_for_escp_s3_with_three_members():
    consortium = ConsortiumFactory()

    assert (consortium.status, consortium.call.reference) == (Consortium.Status.DRAFT, ESCP_S3)
    assert consortium.members.count() == 3
    assert not consortium.submissions.exists()


def test_a_submitted_consortium_has_one_standing_eligible_submission():
    consortium = ConsortiumFactory(submitted=True)

    submission = submission_of(consortium)
    assert consortium.status == Consortium.Status.SUBMITTED
    assert (submission.verdict, submission.withdrawn_at) == ("eligible", None)


def test_a_withdrawn_consortium_is_a_draft_again_and_keeps_its_withdrawn_submission():
    consortium = ConsortiumFactory(withdrawn=True)

    assert consortium.status == Consortium.Status.DRAFT
    assert submission_of(consortium).withdrawn_at is not None


def test_a_reviewed_consortium_is_confirmed_by_a_contact_point_of_its_coordinators_country():
    consortium = ConsortiumFactory(reviewed=True)

    review = Review.objects.get(submission=submission_of(consortium))
    coordinator = consortium.members.get(is_coordinator=True)
    assert review.status == ReviewStatus.CONFIRMED_ELIGIBLE
    assert review.reviewer.national_contact_point.countries.filter(
        code=coordinator.country_id).exists()
    assert Event.objects.filter(action=Action.CONSORTIUM_REVIEWED, consortium=consortium).exists()


def test_a_consortium_of_a_closed_call_can_no_longer_be_submitted():
    consortium = ConsortiumFactory(closed_call=True)

    assert consortium.call.deadline < timezone.now()
    with pytest.raises(DeadlinePassed):
        consortium_submit(consortium=consortium, user=consortium.owner)


def test_a_user_signs_in_with_the_test_password_and_an_admin_is_staff(client):
    user, admin = UserFactory(), UserFactory(admin=True)

    assert client.login(email=user.email, password=PASSWORD)
    assert (admin.is_superuser, admin.is_staff, user.is_staff) == (True, True, False)
