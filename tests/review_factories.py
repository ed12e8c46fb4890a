"""Test data for the review feature: national contact points, submissions, member lists.

Holds no tests; the review, visibility, export, notification and record tests import it.
"""
from accounts.models import User
from consortia.models import Consortium, Submission
from consortia.services import consortium_submit
from reviews.models import NationalContactPoint
from tests.consortium_factories import A_MONTH_BEFORE_ESCP_DEADLINE, make_consortium, make_user


def member(name: str, country: str, region: str, coordinator: bool = False, **fields) -> dict:
    return {
        "name": name, "country": country, "region": region,
        "organisation_type": "cluster_organisation", "eccp_status": "registered",
        "is_coordinator": coordinator, **fields,
    }


# Eligible for ESCP-S3: three countries, less developed or transition regions.
WITH_ROMANIAN_COORDINATOR = [
    member("Asociația Clusterul Textil Ținutul Sătmarului", "RO", "RO11", coordinator=True),
    member("Cluster Norte", "PT", "PT11"),
    member("Netzwerk Dresden", "DE", "DED2"),
]
WITH_ONE_ROMANIAN_PARTNER = [
    member("Cluster Norte", "PT", "PT11", coordinator=True),
    member("Distretto Campania", "IT", "ITF3"),
    member("Clusterul de Inovare Nord-Est", "RO", "RO21"),
]
WITHOUT_ROMANIAN_MEMBER = [
    member("Cluster Norte", "PT", "PT11", coordinator=True),
    member("Distretto Campania", "IT", "ITF3"),
    member("Cluster Burgenland", "AT", "AT11"),
]


def make_ncp(email: str, countries: list[str], **fields) -> User:
    """A user who is the national contact point of ``countries``."""
    user = make_user(email, **fields)
    contact_point = NationalContactPoint.objects.create(user=user)
    contact_point.countries.set(countries)
    return user


def make_admin(email: str = "admin@example.org") -> User:
    return make_user(email, is_superuser=True, is_staff=True)


def submit(consortium: Consortium) -> Submission:
    return consortium_submit(
        consortium=consortium, user=consortium.owner, now=A_MONTH_BEFORE_ESCP_DEADLINE
    )


def make_submission(owner: User, members: list[dict] | None = None, **project) -> Submission:
    """A consortium of ``owner`` for ESCP-S3 with ``members``, submitted a month before the
    deadline."""
    return submit(make_consortium(owner, members=members or WITH_ROMANIAN_COORDINATOR, **project))


def copy_submission(submission: Submission, acronym: str) -> Submission:
    """Another consortium with the same members, submitted as ``submission`` was (fast: the
    checks are not run again)."""
    original = submission.consortium
    consortium = make_consortium(
        original.owner, members=[
            {"name": row["name"], "country": row["country"], "region": row["region"],
             "organisation_type": row["organisation_type"], "eccp_status": row["eccp_status"],
             "is_coordinator": row["role"] == "coordinator"}
            for row in submission.snapshot["members"]
        ], acronym=acronym, status=Consortium.Status.SUBMITTED,
    )
    copy = Submission.objects.create(
        consortium=consortium, submitted_by=original.owner, submitted_at=submission.submitted_at,
        snapshot={**submission.snapshot, "acronym": acronym}, outcomes=submission.outcomes,
        verdict=submission.verdict, call_parameters=submission.call_parameters,
        call_parameters_hash=submission.call_parameters_hash,
    )
    copy.countries.set(submission.countries.all())
    return copy
