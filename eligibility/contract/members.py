"""What spans several members of a request: one coordinator, no organisation twice."""
from django.utils.translation import gettext as _

from .errors import Problem, quoted


def member_set_problems(members: list, failed: set) -> list[Problem]:
    """At most one coordinator; no organisation twice (names compared case-insensitively)."""
    problems = []
    coordinator = None
    seen: dict[str, int] = {}
    for index, member in enumerate(members):
        if not isinstance(member, dict):
            continue
        role = member.get("role")
        if role == "coordinator" and ("members", index, "role") not in failed:
            if coordinator is None:
                coordinator = index
            else:
                problems.append(Problem(
                    ("members", index, "role"),
                    _("members[%(first)d] is already the coordinator; a consortium has one")
                    % {"first": coordinator},
                ))
        name = member.get("name")
        if isinstance(name, str) and name.strip() and ("members", index, "name") not in failed:
            key = " ".join(name.split()).casefold()
            if key in seen:
                problems.append(Problem(
                    ("members", index, "name"),
                    _("%(name)s is already members[%(first)d]")
                    % {"name": quoted(name.strip()), "first": seen[key]},
                ))
            else:
                seen[key] = index
    return problems
