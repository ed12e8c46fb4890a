"""The call as data: programmes, countries and their participation, regions, calls, their
strands and rules.

Every parameter a rule reads lives here (call-wide facts on the call, each rule's own on its
``CallRule.options``) and is loaded from fixtures that say where each comes from.
"""
from datetime import date, time
import hashlib
import json
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy as _

from . import countries


def get_language_code() -> str:
    return (get_language() or "en").split("-")[0]


class OrganisationType(models.TextChoices):
    CLUSTER_ORGANISATION = "cluster_organisation", _("Cluster organisation")
    BUSINESS_NETWORK = "business_network", _("Business-network organisation")
    TECHNOLOGY_CENTRE = "technology_centre", _("Technology centre")
    SCIENCE_PARK = "science_park", _("Science park")
    OTHER = "other", _("Other")


class EccpStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered (published ECCP profile)")
    REQUESTED = "requested", _("Registration requested")
    NONE = "none", _("Not registered")


class MemberRole(models.TextChoices):
    """A member's place in the consortium (Funding & Tenders Portal wording)."""

    COORDINATOR = "coordinator", _("Coordinator")
    BENEFICIARY = "beneficiary", _("Beneficiary")
    AFFILIATED_ENTITY = "affiliated_entity", _("Affiliated entity")
    ASSOCIATED_PARTNER = "associated_partner", _("Associated partner")


class Declaration(models.TextChoices):
    """Facts about a member, declared by the applicant, that EU law attaches a consequence to."""

    RU_PUBLIC_CONTROL = "ru_public_control", _(
        "Established in Russia and over 50 % publicly owned or controlled "
        "(Council Regulation (EU) No 833/2014, art. 5l)"
    )
    HU_PUBLIC_INTEREST_TRUST = "hu_public_interest_trust", _(
        "A Hungarian public-interest trust under Act IX of 2021, or an entity it maintains "
        "(Council Implementing Decision (EU) 2022/2506)"
    )


def validate_declarations(value) -> None:
    """A JSON list of declaration codes, each once."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Enter a list of declaration codes."))
    unknown = [code for code in value if code not in Declaration.values]
    if unknown:
        raise ValidationError(
            _("Unknown declarations: %(unknown)s. Allowed: %(allowed)s."),
            params={"unknown": ", ".join(unknown), "allowed": ", ".join(Declaration.values)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A declaration is listed twice."))


class RegionCategory(models.TextChoices):
    LESS_DEVELOPED = "less_developed", _("Less developed")
    TRANSITION = "transition", _("Transition")
    MORE_DEVELOPED = "more_developed", _("More developed")


class Severity(models.TextChoices):
    BLOCKING = "blocking", _("Blocking")
    ADVISORY = "advisory", _("Advisory")


class Basis(models.TextChoices):
    """How firmly a fact of a call is known."""

    OFFICIAL = "official", _("Official")
    SECONDARY = "secondary", _("Secondary source")
    NOT_KNOWN = "not_known", _("Not known")


def validate_positive(value) -> None:
    if value is not None and value <= 0:
        raise ValidationError(_("Enter a number above zero."), code="not_positive")


def validate_timezone_name(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


@deconstructible
class ChoiceListValidator:
    """Validates a JSON list whose items must be values of a ``TextChoices``, each once."""

    def __init__(self, choices: type[models.TextChoices], allow_empty: bool = False):
        self.choices = choices
        self.allow_empty = allow_empty

    def __call__(self, value) -> None:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError(_("Enter a list of codes."))
        if not value and not self.allow_empty:
            raise ValidationError(_("Enter at least one code."))
        unknown = [item for item in value if item not in self.choices.values]
        if unknown:
            raise ValidationError(
                _("Unknown codes: %(unknown)s. Allowed: %(allowed)s."),
                params={"unknown": ", ".join(unknown), "allowed": ", ".join(self.choices.values)},
            )
        if len(set(value)) != len(value):
            raise ValidationError(_("A code is listed twice."))

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, ChoiceListValidator)
            and (self.choices, self.allow_empty) == (other.choices, other.allow_empty)
        )


def validate_call_provenance(value) -> None:
    """``{"<fact>": {"basis": "official"|"secondary"|"not_known", "source": "..."}}``."""
    from .provenance import provenance_problems

    problems = provenance_problems(value, names=None)
    if problems:
        raise ValidationError(problems)


def validate_partner_search_tools(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(tool, dict)
        and set(tool) == {"name", "url"}
        and isinstance(tool["name"], str)
        and tool["name"].strip()
        and isinstance(tool["url"], str)
        and (not tool["url"] or tool["url"].startswith(("https://", "http://")))
        for tool in value
    ):
        raise ValidationError(
            _('Enter a list of {"name": ..., "url": ...} objects; the url may be empty.')
        )


class ProgrammeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Programme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    source = models.TextField(_("source"), blank=True)

    objects = ProgrammeManager()

    class Meta:
        ordering = ["starts_on", "code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")),
                name="programme_starts_before_it_ends",
                violation_error_message=_("The programme must start before it ends."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.code,)


class CountryManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Country(models.Model):
    """A country, keyed by its ISO 3166-1 alpha-2 code (``XK`` for Kosovo)."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    name = models.CharField(_("English name"), max_length=100)

    objects = CountryManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"),
                name="country_code_is_two_capitals",
                violation_error_message=_("A country code is two capital letters."),
            )
        ]

    def __str__(self) -> str:
        return self.localized_name

    def natural_key(self):
        return (self.code,)

    def clean(self) -> None:
        if self.code and countries.iso_code(self.code) != self.code:
            raise ValidationError(
                {"code": _("%(code)s is not an ISO 3166-1 alpha-2 code (or XK for Kosovo).")
                 % {"code": self.code}}
            )

    @property
    def localized_name(self) -> str:
        return countries.country_name(self.code)

    @property
    def nuts_prefix(self) -> str:
        return countries.nuts_prefix(self.code)


class ParticipationQuerySet(models.QuerySet):
    def active_on(self, day: date):
        """Participations in force on ``day``, within their programme's own period."""
        return self.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day),
            starts_on__lte=day,
            programme__starts_on__lte=day,
            programme__ends_on__gte=day,
        )


_ParticipationManagerBase = models.Manager.from_queryset(ParticipationQuerySet)


class ParticipationManager(_ParticipationManagerBase):
    def get_by_natural_key(self, programme_code, country_code, starts_on):
        return self.get(
            programme__code=programme_code, country__code=country_code, starts_on=starts_on
        )


class Participation(models.Model):
    """A country taking part in a programme from one date to another (inclusive)."""

    class Basis(models.TextChoices):
        EU_MEMBER = "eu_member", _("EU Member State")
        EEA = "eea", _("EEA country")
        ASSOCIATION = "association", _("Association agreement")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        SIGNED = "signed", _("Signed, not yet in force")
        NEGOTIATING = "negotiating", _("Being negotiated")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="participations",
        verbose_name=_("programme"),
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="participations",
        verbose_name=_("country"),
    )
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True,
                               help_text=_("Empty: until the programme ends."))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_FORCE,
        help_text=_("Signed or being negotiated: the country's organisations may apply, but "
                    "no grant can be signed with them until the agreement is in force."),
    )
    source = models.TextField(_("source"))

    objects = ParticipationManager()

    class Meta:
        ordering = ["programme", "country", "starts_on"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "country", "starts_on"],
                name="participation_unique_start",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__lte=models.F("ends_on")),
                name="participation_starts_before_it_ends",
                violation_error_message=_("A participation must start before it ends."),
            ),
            models.CheckConstraint(
                # Status.values, which Meta cannot reach.
                condition=Q(status__in=["in_force", "signed", "negotiating"]),
                name="participation_status_known",
            ),
        ]

    def __str__(self) -> str:
        until = self.ends_on.isoformat() if self.ends_on else "…"
        return f"{self.country_id} in {self.programme} ({self.starts_on.isoformat()} – {until})"

    def natural_key(self):
        return (*self.programme.natural_key(), self.country_id, self.starts_on.isoformat())

    @property
    def is_in_force(self) -> bool:
        """In force: a grant can be signed. Otherwise the country's organisations may apply,
        but cannot sign."""
        return self.status == self.Status.IN_FORCE

    # Django's serializers read this attribute; mypy types no attributes on functions.
    natural_key.dependencies = ["calls.programme", "calls.country"]  # type: ignore[attr-defined]


class RegionClassificationManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class RegionClassification(models.Model):
    """A cohesion-policy mapping of NUTS 2 regions to categories, e.g. 2014-2020."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    nuts_version = models.CharField(_("NUTS version"), max_length=20)
    source = models.TextField(_("source"), blank=True)

    objects = RegionClassificationManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region classification")
        verbose_name_plural = _("region classifications")

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.code,)


class RegionQuerySet(models.QuerySet):
    def lookup(self, classification: RegionClassification | int, code: str):
        """The region ``code`` names in ``classification``, through its aliases too, or None."""
        code = code.strip().upper()
        return (
            self.filter(classification=classification)
            .filter(Q(code=code) | Q(aliases__code=code))
            .select_related("country")
            .first()
        )


_RegionManagerBase = models.Manager.from_queryset(RegionQuerySet)


class RegionManager(_RegionManagerBase):
    def get_by_natural_key(self, classification_code, code):
        return self.get(classification__code=classification_code, code=code)


NUTS2_CODE_REGEX = r"^[A-Z]{2}[0-9A-Z]{2}$"


class Region(models.Model):
    """A NUTS 2 region as listed by a classification, with its category."""

    classification = models.ForeignKey(
        RegionClassification, on_delete=models.PROTECT, related_name="regions",
        verbose_name=_("classification"),
    )
    code = models.CharField(_("NUTS 2 code"), max_length=4)
    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="regions", verbose_name=_("country")
    )
    category = models.CharField(_("category"), max_length=20, choices=RegionCategory.choices)
    note = models.TextField(_("note"), blank=True)

    objects = RegionManager()

    class Meta:
        ordering = ["classification", "code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.UniqueConstraint(
                fields=["classification", "code"], name="region_code_unique_in_classification"
            ),
            models.CheckConstraint(
                condition=Q(code__regex=NUTS2_CODE_REGEX),
                name="region_code_is_nuts2",
                violation_error_message=_("A NUTS 2 code is two letters and two characters."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def natural_key(self):
        return (*self.classification.natural_key(), self.code)

    # Django's serializers read this attribute; mypy types no attributes on functions.
    natural_key.dependencies = ["calls.regionclassification", "calls.country"]  # type: ignore[attr-defined]


class RegionAliasManager(models.Manager):
    def get_by_natural_key(self, classification_code, code):
        return self.get(region__classification__code=classification_code, code=code)


class RegionAlias(models.Model):
    """A later NUTS code that names exactly one region of a classification, e.g. EL11 for GR11."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("region")
    )
    code = models.CharField(_("code"), max_length=4)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = RegionAliasManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region alias")
        verbose_name_plural = _("region aliases")
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="region_alias_unique"),
            models.CheckConstraint(
                condition=Q(code__regex=NUTS2_CODE_REGEX),
                name="region_alias_is_nuts2",
                violation_error_message=_("A NUTS 2 code is two letters and two characters."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.region.code}"

    def natural_key(self):
        return (self.region.classification.code, self.code)

    # Django's serializers read this attribute; mypy types no attributes on functions.
    natural_key.dependencies = ["calls.region"]  # type: ignore[attr-defined]


class CallQuerySet(models.QuerySet):
    def versions_bump(self) -> int:
        """Mark these calls as changed, for every process that cached what their rules read
        (see ``Call.version``)."""
        return self.update(version=models.F("version") + 1)

    def by_reference(self, reference: str):
        """The call with this reference or its alternative spelling (case-insensitive)."""
        reference = reference.strip().upper()
        return self.filter(
            Q(reference__iexact=reference) | Q(alternative_reference__iexact=reference)
        )

    def for_listing(self, now=None):
        """Open calls first (nearest deadline first), then closed ones (latest first)."""
        now = now or timezone.now()
        return self.select_related("programme").annotate(
            is_open=models.Case(
                models.When(deadline__gt=now, then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            ),
        ).order_by(
            "-is_open",
            models.Case(models.When(deadline__gt=now, then="deadline")).asc(),
            models.F("deadline").desc(),
        )


_CallManagerBase = models.Manager.from_queryset(CallQuerySet)


class CallManager(_CallManagerBase):
    def get_by_natural_key(self, reference):
        return self.get(reference=reference)


class Call(models.Model):
    """A call for proposals: its identity and the facts that hold for the whole call.

    What each rule checks lives on the call's rules (:class:`CallRule`), with the rule's own
    options and where each comes from.
    """

    reference = models.CharField(_("reference"), max_length=60, unique=True)
    alternative_reference = models.CharField(
        _("alternative reference"), max_length=60, blank=True,
        help_text=_("Another spelling of the reference used in the call's documents."),
    )
    title = models.CharField(_("title"), max_length=300)
    title_ro = models.CharField(_("title in Romanian"), max_length=300, blank=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="calls", verbose_name=_("programme")
    )
    is_practice = models.BooleanField(
        _("practice call"), default=False,
        help_text=_("A call made up for trying the application; not a real call."),
    )
    total_budget = models.DecimalField(
        _("total budget (EUR)"), max_digits=14, decimal_places=2, validators=[validate_positive]
    )
    expected_grants = models.PositiveIntegerField(_("grants expected"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"))
    deadline_timezone = models.CharField(
        _("deadline time zone"), max_length=60, default="Europe/Brussels",
        validators=[validate_timezone_name],
    )
    participation_on = models.DateField(
        _("participation read on"), null=True, blank=True,
        help_text=_("The day whose programme participation decides which countries are "
                    "eligible. Empty: the deadline's day. For a call that closed after its "
                    "programme ended, e.g. the programme's last day."),
    )
    deadline_hour_known = models.BooleanField(
        _("hour of the deadline known"), default=True,
        help_text=_("Off when only the day of the deadline is known: the deadline is then "
                    "written as that day at 00:00 in its time zone, and the check cannot tell "
                    "on that day whether the call is still open."),
    )
    questions_deadline = models.DateTimeField(_("questions answered until"), null=True, blank=True)
    region_classification = models.ForeignKey(
        RegionClassification, on_delete=models.PROTECT, null=True, blank=True,
        related_name="calls", verbose_name=_("region classification"),
        help_text=_("The mapping of NUTS 2 regions in which members give their region."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_note = models.CharField(_("contact note"), max_length=300, blank=True)
    faq_url = models.URLField(_("FAQ page"), blank=True)
    call_text_url = models.URLField(_("call text"), blank=True)
    expected_outputs = models.TextField(_("expected outputs"), blank=True)
    partner_search_tools = models.JSONField(
        _("partner-search tools"), default=list, blank=True,
        validators=[validate_partner_search_tools],
    )
    sources = models.TextField(_("sources"), blank=True)
    provenance = models.JSONField(
        _("provenance of the call's facts"), default=dict, blank=True,
        validators=[validate_call_provenance],
        help_text=_(
            'Where each call-wide fact comes from, e.g. {"deadline": {"basis": "official", '
            '"source": "Call text §3"}}.'
        ),
    )
    gaps = models.TextField(
        _("not known"), blank=True,
        help_text=_("What our sources do not say about this call, in plain words."),
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False,
        help_text=_("Raised whenever the call, its strands or its rules change."),
    )

    objects = CallManager()

    class Meta:
        ordering = ["deadline"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(total_budget__gt=0),
                name="call_budget_positive",
                violation_error_message=_("The budget must be positive."),
            ),
            models.CheckConstraint(
                condition=~Q(reference=models.F("alternative_reference")),
                name="call_alternative_reference_differs",
                violation_error_message=_("The alternative reference repeats the reference."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def natural_key(self):
        return (self.reference,)

    # Django's serializers read this attribute; mypy types no attributes on functions.
    natural_key.dependencies = ["calls.programme", "calls.regionclassification"]  # type: ignore[attr-defined]

    def clean(self) -> None:
        errors = {}
        if self.deadline and timezone.is_naive(self.deadline):
            errors["deadline"] = _("The deadline must carry its UTC offset.")
        elif self.deadline and not self.deadline_hour_known and self.deadline_timezone in (
            zoneinfo.available_timezones()
        ) and self.deadline_local.time() != time(0, 0):
            errors["deadline"] = _(
                "When the hour is not known, write the deadline as its day at 00:00 in the "
                "deadline's time zone."
            )
        if self.reference and self.reference != self.reference.strip().upper():
            errors["reference"] = _("Write the reference in capitals without spaces around it.")
        if self.alternative_reference:
            clash = Call.objects.by_reference(self.alternative_reference).exclude(pk=self.pk)
            if clash.exists():
                errors["alternative_reference"] = _("Another call already uses this reference.")
        if errors:
            raise ValidationError(errors)

    @property
    def deadline_local(self):
        """The deadline in the time zone the call announces it in."""
        return self.deadline.astimezone(zoneinfo.ZoneInfo(self.deadline_timezone))

    @property
    def participation_date(self) -> date:
        """The day on which a country must take part in the programme for its organisations to
        be eligible: ``participation_on`` when the call sets it, else the deadline's day."""
        return self.participation_on or self.deadline_local.date()

    def is_open(self, at=None) -> bool:
        """True while submissions are accepted: strictly before the deadline."""
        return (at or timezone.now()) < self.deadline

    def rule_options(self, code: str) -> dict:
        """The options of the call-wide rule ``code``, or an empty dict when it is not set."""
        return self.options_by_code().get(code, {})

    def options_by_code(self) -> dict[str, dict]:
        """The options of every call-wide rule, by code (reads prefetched rules if any)."""
        return {
            rule.code: dict(rule.options) for rule in self.rules.all() if rule.strand_id is None
        }

    def version_bump(self) -> None:
        """Mark the call as changed, for every process that cached what its rules read."""
        Call.objects.filter(pk=self.pk).versions_bump()

    def parameters(self) -> dict:
        """Everything the rules read about the call, as plain JSON-ready data."""
        fields = [
            "reference", "programme_id", "total_budget", "deadline", "deadline_timezone",
            "deadline_hour_known", "participation_on", "region_classification_id",
            "provenance",
        ]
        data = {name: getattr(self, name) for name in fields}
        data["strands"] = {
            strand.code: {"title": strand.title} for strand in self.strands.all()
        }
        data["rules"] = {
            rule.key: {
                "severity": rule.severity, "reference": rule.reference,
                "options": rule.options, "provenance": rule.provenance,
            }
            for rule in self.rules.select_related("strand")
        }
        return json.loads(json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True))

    def parameters_hash(self) -> str:
        encoded = json.dumps(self.parameters(), sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()


class StrandManager(models.Manager):
    def get_by_natural_key(self, call_reference, code):
        return self.get(call__reference=call_reference, code=code)


class Strand(models.Model):
    """A part of a call that applicants choose; its rules override the call's of the same code."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="strands", verbose_name=_("call")
    )
    code = models.SlugField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    title_ro = models.CharField(_("title in Romanian"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    objects = StrandManager()

    class Meta:
        ordering = ["call", "order", "code"]
        verbose_name = _("strand")
        verbose_name_plural = _("strands")
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="strand_code_unique_in_call"),
        ]

    def __str__(self) -> str:
        return self.localized_title

    def natural_key(self):
        return (*self.call.natural_key(), self.code)

    # Django's serializers read this attribute; mypy types no attributes on functions.
    natural_key.dependencies = ["calls.call"]  # type: ignore[attr-defined]

    @property
    def localized_title(self) -> str:
        return self.title_ro if self.title_ro and get_language_code() == "ro" else self.title


class CallRuleManager(models.Manager):
    def get_by_natural_key(self, call_reference, strand_code, code):
        if strand_code is None:
            return self.get(call__reference=call_reference, strand__isnull=True, code=code)
        return self.get(call__reference=call_reference, strand__code=strand_code, code=code)


def rule_choices() -> list[tuple[str, str | Promise]]:
    # Read from the rules themselves, so that a new rule class is a choice at once.
    from .rule_kinds import rule_kinds

    return rule_kinds().choices()


class CallRule(models.Model):
    """A rule the call configures: its options, whether it blocks, where the call says so.

    A rule of a strand applies to the consortia of that strand instead of the call's rule of
    the same code.
    """

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="rules", verbose_name=_("call")
    )
    strand = models.ForeignKey(
        Strand, on_delete=models.CASCADE, null=True, blank=True, related_name="rules",
        verbose_name=_("strand"), help_text=_("Empty: the rule holds for the whole call."),
    )
    code = models.CharField(_("rule"), max_length=40, choices=rule_choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.BLOCKING
    )
    reference = models.CharField(
        _("call-text reference"), max_length=120, help_text=_('For example "Call text §6.2".')
    )
    reference_ro = models.CharField(
        _("call-text reference in Romanian"), max_length=120, blank=True,
        help_text=_('For example "Textul apelului §6.2".'),
    )
    source = models.TextField(_("source"), blank=True)
    options = models.JSONField(
        _("options"), default=dict, blank=True,
        help_text=_("The rule's parameters, as its rule class declares them."),
    )
    provenance = models.JSONField(
        _("provenance"), default=dict, blank=True,
        help_text=_('Where each option comes from: {"<option>": {"basis": ..., "source": ...}}.'),
    )

    objects = CallRuleManager()

    class Meta:
        ordering = ["call", "strand", "code"]
        verbose_name = _("call rule")
        verbose_name_plural = _("call rules")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "code"], condition=Q(strand__isnull=True),
                name="call_rule_unique",
                violation_error_message=_("The call already has this rule."),
            ),
            models.UniqueConstraint(
                fields=["call", "strand", "code"], condition=Q(strand__isnull=False),
                name="call_rule_unique_in_strand",
                violation_error_message=_("The strand already has this rule."),
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values),
                name="call_rule_severity_valid",
                violation_error_message=_("Unknown severity."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call.reference}: {self.key}"

    @property
    def strand_code(self) -> str | None:
        return self.strand.code if self.strand is not None else None

    @property
    def key(self) -> str:
        """The rule's code, prefixed by its strand's code when it belongs to a strand."""
        return f"{self.strand_code}/{self.code}" if self.strand_id else self.code

    def natural_key(self):
        return (*self.call.natural_key(), self.strand_code, self.code)

    # Django's serializers read this attribute; mypy types no attributes on functions.
    natural_key.dependencies = ["calls.call", "calls.strand"]  # type: ignore[attr-defined]

    def clean(self) -> None:
        strand = self.strand if self.strand_id else None
        if strand is not None and self.call_id and strand.call_id != self.call_id:
            raise ValidationError({"strand": _("This strand belongs to another call.")})
