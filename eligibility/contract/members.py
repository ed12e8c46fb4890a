"""What spans several members of a request, worded as problems of the request."""
from django.utils.translation import gettext as _

from eligibility.member_set import member_set_findings

from .errors import Problem, quoted


def member_set_problems(members: list, failed: set) -> list[Problem]:
    """At most one coordinator; no organisation twice (see :mod:`eligibility.member_set`)."""
    def read(index: int, member) -> tuple[str | None, bool]:
        if not isinstance(member, dict):
            return None, False
        name = member.get("name")
        if not isinstance(name, str) or ("members", index, "name") in failed:
            name = None
        role_failed = ("members", index, "role") in failed
        return name, member.get("role") == "coordinator" and not role_failed

    read_members = [read(index, member) for index, member in enumerate(members)]
    findings = member_set_findings(read_members)
    problems = [
        Problem(
            ("members", index, "role"),
            _("members[%(first)d] is already the coordinator; a consortium has one")
            % {"first": findings.coordinators[0]},
        )
        for index in findings.coordinators[1:]
    ]
    problems += [
        Problem(
            ("members", index, "name"),
            _("%(name)s is already members[%(first)d]")
            % {"name": quoted((read_members[index][0] or "").strip()), "first": first},
        )
        for index, first in findings.repeats.items()
    ]
    return problems
