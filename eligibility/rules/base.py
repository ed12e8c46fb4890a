"""What every rule is: a small class with a code, a title, its parameters and its checks.

A rule class declares ``code`` (stable: outcomes and stored rules are keyed by it), ``title``,
a docstring citing what it implements, ``Parameters`` (a Django form that is the schema of
its options, the way ``AUTH_PASSWORD_VALIDATORS`` entries carry ``NAME`` and ``OPTIONS``),
``evaluate`` returning an :class:`~eligibility.outcomes.Outcome` and ``explain`` in plain
words. A call configures a rule by naming its code with options; the configured rule is an
instance of the class holding those options (cleaned by ``Parameters``), the severity and
the call-text reference.

Subclassing registers the class under its code (:data:`REGISTRY`): nothing else lists rules.
Classes without a code are families (base classes holding the logic of a kind of condition).
"""
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.functional import Promise

from calls.provenance import not_known, secondary_sources

from ..facts import CallParameters, ConsortiumFacts, MemberFacts
from ..outcomes import Outcome, Status
from ..wording import _, country_name, current_language, per_call

REGISTRY: dict[str, type["Rule"]] = {}


class RuleParameters(forms.Form):
    """The schema of a rule's options: one form field per option, ``clean()`` across them.

    Validates the options as stored (JSON values); ``not_known`` names options whose value
    is not known (null), which are then not required.
    """

    def __init__(self, options: Mapping[str, Any] | None = None, *,
                 not_known: Iterable[str] = ()):
        super().__init__(data=dict(options or {}))
        self.not_known = tuple(not_known)
        for name in not_known:
            if name in self.fields:
                self.fields[name].required = False

    def option_problems(self) -> dict[str, list[str]]:
        """Every problem of the options, by option name ("" for the options as a whole)."""
        problems: dict[str, list[str]] = {}
        unknown = sorted(set(self.data) - set(self.fields))
        for name in unknown:
            known = ", ".join(self.fields) or "none"
            problems[name] = [f"unknown option (this rule takes: {known})."]
        if not self.is_valid():
            for name, errors in self.errors.items():
                problems.setdefault("" if name == "__all__" else name, []).extend(
                    str(error) for error in errors
                )
        return problems


class ChoiceList(forms.MultipleChoiceField):
    """A list of codes from a ``TextChoices``, each once, at least one; cleaned as a set."""

    def __init__(self, choices_class, **kwargs):
        super().__init__(choices=choices_class.choices, **kwargs)

    def clean(self, value):
        if isinstance(value, list) and len(set(value)) != len(value):
            raise ValidationError("A code is listed twice.", code="duplicate")
        if value is not None and not isinstance(value, (list, tuple)):
            raise ValidationError("Enter a list of codes.", code="invalid_list")
        return frozenset(super().clean(value))


class Rule:
    """One condition of a call, configured with its options.

    Subclasses set ``code``, ``title``, ``Parameters`` and implement ``evaluate`` and
    ``explain``. ``call_facts`` names the call-wide facts the rule reads (e.g. the deadline),
    whose provenance counts as the rule's own.
    """

    code: ClassVar[str] = ""
    title: ClassVar[str | Promise] = ""
    order: ClassVar[int] = 1000  # where the rule stands in reports; new kinds go last
    call_facts: ClassVar[tuple[str, ...]] = ()
    do_not_call_in_templates: ClassVar[bool] = True  # templates show rule classes as they are

    Parameters: ClassVar[type[RuleParameters]] = RuleParameters

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.code:
            return
        if not cls.__doc__ or not cls.title:
            raise ImproperlyConfigured(f"The rule {cls.code} needs a docstring and a title.")
        registered = REGISTRY.get(cls.code)
        if registered is not None and registered.__qualname__ != cls.__qualname__:
            raise ImproperlyConfigured(
                f"Two rules have the code {cls.code}: "
                f"{registered.__qualname__}, {cls.__qualname__}."
            )
        REGISTRY[cls.code] = cls
        ordered = sorted(REGISTRY.items(), key=lambda item: (item[1].order, item[0]))
        REGISTRY.clear()
        REGISTRY.update(ordered)

    def __init__(
        self, *, severity: str = "blocking", reference: str = "", reference_ro: str = "",
        options: Mapping[str, Any] | None = None, provenance: Mapping | None = None,
        strand: str | None = None,
    ):
        self.severity = severity
        self.reference = reference
        self.reference_ro = reference_ro
        self.strand = strand
        self.raw_options = dict(options or {})
        self.provenance = dict(provenance or {})
        self.not_known = tuple(
            name for name in not_known(self.provenance) if self.raw_options.get(name) is None
        )
        parameters = self.Parameters(self.raw_options, not_known=self.not_known)
        problems = parameters.option_problems()
        if problems:
            raise ValueError(f"{self.code}: invalid options {problems}")
        self.options: dict[str, Any] = dict(parameters.cleaned_data)
        self.secondary_sources = secondary_sources(self.provenance, self.raw_options)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code} {self.raw_options}>"

    def check(self, facts: ConsortiumFacts, params: CallParameters, as_of: datetime) -> Outcome:
        """The outcome of the rule: not checked when a value it needs is not known."""
        if self.not_known:
            outcome = self.outcome(
                Status.NOT_CHECKED, _("Not checked: the value is not known."),
                hint=_("Check this condition in the call text yourself."),
            )
        else:
            outcome = self.evaluate(facts, params, as_of)
        if self.reference_ro and current_language() == "ro":
            outcome.reference_language = "ro"
        sources = self.provisional_sources(params)
        if sources:
            # Beside any the rule found in the facts themselves (a country's participation).
            outcome.provisional = list(dict.fromkeys((*sources, *outcome.provisional)))
        return outcome

    def provisional_sources(self, params: CallParameters) -> tuple[str, ...]:
        """The secondary sources the rule's options and call-wide facts rest on."""
        if not self.call_facts:
            return self.secondary_sources
        call_sources = secondary_sources(params.provenance, self.call_facts)
        return tuple(dict.fromkeys((*self.secondary_sources, *call_sources)))

    def evaluate(self, facts: ConsortiumFacts, params: CallParameters, as_of: datetime) -> Outcome:
        raise NotImplementedError

    def explain(self, params: CallParameters) -> str:
        raise NotImplementedError

    def localized_reference(self) -> str:
        if not self.reference_ro:
            return self.reference
        return self.reference_ro if current_language() == "ro" else self.reference

    def outcome(
        self, status: Status, message: str, *, actual=None, required=None, hint: str = "",
    ) -> Outcome:
        # Positional: twice as fast as keywords, and this runs a dozen times per check.
        return Outcome(
            self.code, status, self.severity, message, actual, required,
            self.localized_reference(), hint,
        )

    def no_members(self, *, actual=None, required=None) -> Outcome:
        return self.outcome(
            Status.MISSING, _("The consortium has no members yet."),
            actual=actual, required=required, hint=_("Add the members of the consortium."),
        )

    def call_problems(self, call) -> list[str]:
        """What the call itself lacks for this rule to run (checked when a call is loaded)."""
        return []


def names(members: Iterable[MemberFacts]) -> str:
    return ", ".join(member.name for member in members)


def with_country(members: Iterable[MemberFacts]) -> str:
    # Only ever given members whose country is known.
    return ", ".join(
        f"{member.name} ({country_name(member.country)})"  # type: ignore[arg-type]
        for member in members
    )


__all__ = [
    "REGISTRY", "ChoiceList", "Rule", "RuleParameters", "names", "per_call", "with_country",
]
