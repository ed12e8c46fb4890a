"""What spans a consortium's members, however they are given (the rows of the consortium
page, the members of a check request): one coordinator, and no organisation twice, two names
being the same organisation when :func:`organisation_key` says so. Each caller words the
findings for its own reader; the database's unique constraint on the lower-cased name is the
last guard behind them."""
from collections.abc import Iterable
from dataclasses import dataclass


def organisation_key(name: str) -> str:
    """What makes two names one organisation: runs of spaces count as one, case is ignored."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class MemberSetFindings:
    coordinators: tuple[int, ...]
    """The positions of the members marked as coordinator, in order."""
    repeats: dict[int, int]
    """Each position whose organisation an earlier member already is, and that member's."""


def member_set_findings(members: Iterable[tuple[str | None, bool]]) -> MemberSetFindings:
    """Read ``(name, is_coordinator)`` per member; a missing or blank name is not compared."""
    coordinators = []
    first_of: dict[str, int] = {}
    repeats = {}
    for position, (name, is_coordinator) in enumerate(members):
        if is_coordinator:
            coordinators.append(position)
        if not name or not name.strip():
            continue
        key = organisation_key(name)
        if key in first_of:
            repeats[position] = first_of[key]
        else:
            first_of[key] = position
    return MemberSetFindings(coordinators=tuple(coordinators), repeats=repeats)
