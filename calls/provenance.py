"""Where a fact of a call comes from: ``{"basis": "official"|"secondary"|"not_known", "source"}``.

Every option of a configured rule, and every call-wide fact a call chooses to document, has
one entry. A fact resting on a secondary source makes the outcomes that read it provisional;
a fact that is not known has no value (``null``) and the rule reading it is not checked.
"""
from collections.abc import Iterable, Mapping

from .models import Basis

BASES = tuple(Basis.values)


def provenance_problems(value, *, names: Iterable[str] | None) -> list[str]:
    """What is wrong with a provenance object; ``names`` are the facts it may describe
    (None: any)."""
    if not isinstance(value, dict):
        return ['provenance must be an object: {"<name>": {"basis": ..., "source": ...}}.']
    allowed = None if names is None else set(names)
    problems = []
    for name, entry in value.items():
        if allowed is not None and name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            problems.append(f"{name}: names no option of this rule (its options: {known}).")
            continue
        if not isinstance(entry, dict) or set(entry) - {"basis", "source"}:
            problems.append(f'{name}: write {{"basis": ..., "source": ...}} and nothing else.')
            continue
        basis, source = entry.get("basis"), entry.get("source", "")
        if basis not in BASES:
            problems.append(f"{name}.basis: {basis!r} is not one of {', '.join(BASES)}.")
        if not isinstance(source, str):
            problems.append(f"{name}.source: write the source as text.")
        elif basis in (Basis.OFFICIAL, Basis.SECONDARY) and not source.strip():
            problems.append(f"{name}.source: say where a {basis} fact comes from.")
    return problems


def secondary_sources(provenance: Mapping, names: Iterable[str]) -> tuple[str, ...]:
    """The sources of the named facts that rest on a secondary source, each once."""
    sources = (
        provenance[name].get("source", "")
        for name in names
        if isinstance(provenance.get(name), dict)
        and provenance[name].get("basis") == Basis.SECONDARY
    )
    return tuple(dict.fromkeys(source for source in sources if source))


def not_known(provenance: Mapping) -> tuple[str, ...]:
    """The facts whose value is not known."""
    return tuple(
        name for name, entry in provenance.items()
        if isinstance(entry, dict) and entry.get("basis") == Basis.NOT_KNOWN
    )
