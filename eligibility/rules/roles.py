"""Which members count towards a call's minimums, by their role in the consortium.

Beside the beneficiaries (the coordinator among them) a consortium may hold affiliated
entities and associated partners (SMP-COSME-2024-CLUSTER-01 allows affiliated entities,
CALLS.md §7.5). Rules that count members take a ``counting_roles`` option: the roles that
count, by default the coordinator and the beneficiaries, as before roles were told apart.
"""
from collections.abc import Iterable

from django.utils.translation import gettext_lazy

from calls.models import MemberRole

from ..facts import MemberFacts
from ..wording import _
from .base import ChoiceList, names

DEFAULT_COUNTING_ROLES = frozenset({MemberRole.COORDINATOR.value, MemberRole.BENEFICIARY.value})


def counting_roles_field() -> ChoiceList:
    return ChoiceList(
        MemberRole, required=False, label=gettext_lazy("roles that count"),
        help_text=gettext_lazy(
            "The members' roles that count towards the minimum. Left out: the coordinator "
            "and the beneficiaries."
        ),
    )


def counting_roles(options) -> frozenset[str]:
    """The roles the configured rule counts: its ``counting_roles``, or the default."""
    return frozenset(options.get("counting_roles") or DEFAULT_COUNTING_ROLES)


def counted_members(members: Iterable[MemberFacts], options) -> list[MemberFacts]:
    roles = counting_roles(options)
    return [member for member in members if member.role in roles]


def not_counted_for_role(members: Iterable[MemberFacts], options) -> str:
    """"Not counted for their role: ..." naming the members whose role does not count, or ""."""
    roles = counting_roles(options)
    left_out = [member for member in members if member.role not in roles]
    if not left_out:
        return ""
    return _("Not counted for their role: %(members)s.") % {"members": names(left_out)}
