"""The names many tests use for their data: thin wrappers over the factories of
tests/factories.py (new tests use those directly), and the consortium page's POST data."""
from accounts.models import User
from calls.models import Call
from consortia.models import Consortium, Member
from tests.factories import (  # noqa: F401 (the names tests import from here)
    A_MONTH_BEFORE_ESCP_DEADLINE,
    AT_ESCP_DEADLINE,
    BEFORE_ESCP_DEADLINE,
    BRUSSELS,
    ELIGIBLE_MEMBERS,
    ELIGIBLE_PROJECT,
    ESCP_S3,
    PASSWORD,
    ConsortiumFactory,
    UserFactory,
    escp_call,
    practice_call,
    region,
)


def make_user(email: str | None = None, **fields) -> User:
    return UserFactory(**({"email": email} if email else {}), **fields)


def make_consortium(
    owner: User, call: Call | None = None, members: list[dict] | None = None, **project
) -> Consortium:
    """A draft of ``owner`` with ``members`` (default: the eligible three) and the eligible
    project data; ``project`` overrides single fields."""
    return ConsortiumFactory(
        owner=owner, members=members, **({"call": call} if call else {}), **project
    )


def form_data(project: dict | None = None, members: list[dict] | None = None, *,
              call: Call | None = None, existing: list[Member] = ()) -> dict:
    """POST data for the consortium page: the project fields, then one row per member.

    ``existing`` are saved members: their rows come first (with their ids), in the order
    the page lists them; ``members`` then fill those rows and any new ones.
    """
    call = call or escp_call()
    data = {}
    for name, value in (project if project is not None else ELIGIBLE_PROJECT).items():
        data[name] = "" if value is None else str(value)
    rows = members if members is not None else ELIGIBLE_MEMBERS
    data.update({
        "members-TOTAL_FORMS": str(max(len(rows), len(existing))),
        "members-INITIAL_FORMS": str(len(existing)),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    })
    for index, row in enumerate(rows):
        prefix = f"members-{index}-"
        if index < len(existing):
            data[f"{prefix}id"] = str(existing[index].pk)
        for name, value in row.items():
            if name == "region" and value:
                value = str(region(value, call).pk)
            if name in ("is_coordinator", "DELETE"):
                if value:
                    data[prefix + name] = "on"
                continue
            if isinstance(value, list):  # a group of boxes: each ticked value
                data[prefix + name] = value
                continue
            data[prefix + name] = "" if value is None else str(value)
    return data
