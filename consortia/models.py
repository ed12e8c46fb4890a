"""Consortia that applicants build for a call, their members, and their submissions."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import get_language, gettext_lazy as _
import pgtrigger

from audit.models import refuse
from calls.eccp import ECCP_URL_VALIDATOR
from calls.models import (
    Call,
    Country,
    EccpStatus,
    MemberRole,
    OrganisationType,
    Region,
    Strand,
    validate_declarations,
)
from eligibility.engine import Verdict


class ConsortiumQuerySet(models.QuerySet):
    def owned_by(self, user):
        """The consortia ``user`` created; anonymous users own none."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def visible_to(self, user):
        """The consortia ``user`` may look at: the one definition every page, export and
        count asks.

        An administrator (superuser) sees every consortium. A national contact point sees
        the consortia whose standing (not withdrawn) submission had, as submitted, a member
        from a country they answer for; never drafts. Everyone signed in sees the consortia
        they created; anonymous visitors see none. Which of a consortium's submissions a
        contact point sees is ``Submission.objects.visible_to``'s business.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        standing_from_their_countries = Submission.objects.active().filter(
            consortium=models.OuterRef("pk"),
            countries__national_contact_points__user=user,
        )
        return self.filter(Q(owner=user) | models.Exists(standing_from_their_countries))

    def with_members(self):
        """Each consortium with its call and its members (countries and regions) fetched."""
        return self.select_related("call", "call__programme").prefetch_related(
            models.Prefetch(
                "members",
                queryset=Member.objects.select_related("country", "region").order_by(
                    "-is_coordinator", "id"
                ),
            )
        )


class Consortium(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consortia",
        verbose_name=_("owner"),
    )
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="consortia", verbose_name=_("call")
    )
    strand = models.ForeignKey(
        Strand, on_delete=models.PROTECT, null=True, blank=True, related_name="consortia",
        verbose_name=_("strand"), help_text=_("The strand of the call the consortium applies to."),
    )
    acronym = models.CharField(_("acronym"), max_length=40)
    title = models.CharField(_("project title"), max_length=300, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    start_date = models.DateField(_("planned start date"), null=True, blank=True)
    total_eligible_costs = models.DecimalField(
        _("total eligible costs (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    requested_grant = models.DecimalField(
        _("requested EU grant (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    fstp_costs = models.DecimalField(
        _("costs of financial support to third parties (EUR)"), max_digits=14,
        decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)],
    )
    other_costs = models.DecimalField(
        _("all other eligible costs (EUR)"), max_digits=14, decimal_places=2, null=True,
        blank=True, validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ConsortiumQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("consortium")
        verbose_name_plural = _("consortia")
        constraints = [
            # Status.values, which Meta cannot reach.
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted"]), name="consortium_status_known",
            ),
            models.CheckConstraint(
                condition=Q(duration_months__isnull=True) | Q(duration_months__gte=1),
                name="consortium_duration_positive",
            ),
            models.CheckConstraint(
                condition=Q(total_eligible_costs__isnull=True) | Q(total_eligible_costs__gte=0),
                name="consortium_costs_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(requested_grant__isnull=True) | Q(requested_grant__gte=0),
                name="consortium_grant_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(fstp_costs__isnull=True) | Q(fstp_costs__gte=0))
                & (Q(other_costs__isnull=True) | Q(other_costs__gte=0)),
                name="consortium_cost_categories_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(fstp_costs__isnull=True, other_costs__isnull=True)
                | Q(fstp_costs__isnull=False, other_costs__isnull=False),
                name="consortium_cost_categories_both_or_neither",
                violation_error_message=_(
                    "Give both cost categories (financial support to third parties and all "
                    "other costs), or neither."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-updated_at"]),
            # The review queue sorts and searches by acronym.
            models.Index(fields=["acronym"], name="consortium_acronym"),
        ]

    def __str__(self) -> str:
        return self.acronym

    def clean(self) -> None:
        super().clean()
        strand = self.strand if self.strand_id else None
        if strand is not None and self.call_id and strand.call_id != self.call_id:
            raise ValidationError({"strand": _("This strand belongs to another call.")})
        if (self.fstp_costs is None) != (self.other_costs is None):
            missing = "other_costs" if self.other_costs is None else "fstp_costs"
            raise ValidationError({missing: _(
                "Give both cost categories (financial support to third parties and all other "
                "costs), or neither."
            )})
        if self.costs is not None and self.total_eligible_costs is not None and (
            sum(self.costs.values()) != self.total_eligible_costs
        ):
            raise ValidationError({"other_costs": _(
                "The cost categories add up to %(sum)s, not to the total eligible costs of "
                "%(total)s."
            ) % {"sum": sum(self.costs.values()), "total": self.total_eligible_costs}})

    @property
    def costs(self) -> dict | None:
        """The eligible costs by category, ``{"fstp": ..., "other": ...}``, when both are given."""
        if self.fstp_costs is None or self.other_costs is None:
            return None
        return {"fstp": self.fstp_costs, "other": self.other_costs}

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def snapshot(self) -> dict:
        """The consortium and its members as plain JSON-ready data, as a submission keeps it."""
        members = self.members.select_related("country", "region").order_by("-is_coordinator", "id")
        return {
            "call": self.call.reference,
            "acronym": self.acronym,
            "title": self.title,
            "duration_months": self.duration_months,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "total_eligible_costs": _decimal_text(self.total_eligible_costs),
            "requested_grant": _decimal_text(self.requested_grant),
            "costs": None if self.costs is None else {
                category: _decimal_text(amount) for category, amount in self.costs.items()
            },
            "members": [member.snapshot() for member in members],
        }

    def check_request(self) -> dict:
        """The consortium as the check request the command line and the API read
        (``eligibility.contract``): its call and strand, its project (with its costs by
        category when split) and its members with their roles and declarations, each field
        left out while it is not known. ``parse_check_request`` accepts it back as it is."""
        project: dict[str, object] = {
            "acronym": self.acronym,
            "duration_months": self.duration_months,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "total_eligible_costs": _decimal_text(self.total_eligible_costs),
            "requested_grant": _decimal_text(self.requested_grant),
        }
        if self.costs:
            project["costs"] = {category: str(amount) for category, amount in self.costs.items()}
        members = self.members.select_related("region").order_by("-is_coordinator", "id")
        request = {"call": self.call.reference}
        if self.strand is not None:
            request["strand"] = self.strand.code
        return request | {
            "project": _known(project),
            "members": [_known({
                "name": member.name,
                "country": member.country_id,
                "region": member.region.code if member.region else None,
                "organisation_type": member.organisation_type or None,
                "eccp_status": member.eccp_status or None,
                "eccp_profile_url": member.eccp_profile_url or None,
                "role": member.role,
                "declarations": list(member.declarations) or None,
            }) for member in members],
        }


def _known(values: dict) -> dict:
    return {key: value for key, value in values.items() if value is not None}


def _decimal_text(amount) -> str | None:
    return None if amount is None else str(amount)


class Member(models.Model):
    consortium = models.ForeignKey(
        Consortium, on_delete=models.CASCADE, related_name="members", verbose_name=_("consortium")
    )
    name = models.CharField(_("legal name"), max_length=200)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("country"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("NUTS 2 region"),
    )
    organisation_type = models.CharField(
        _("organisation type"), max_length=30, choices=OrganisationType.choices, blank=True
    )
    eccp_status = models.CharField(
        _("ECCP status"), max_length=20, choices=EccpStatus.choices, blank=True
    )
    eccp_profile_url = models.URLField(
        _("ECCP profile URL"), blank=True, validators=[ECCP_URL_VALIDATOR]
    )
    is_coordinator = models.BooleanField(_("coordinator"), default=False)
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.BENEFICIARY,
        help_text=_("The coordinator is a beneficiary that leads; affiliated entities and "
                    "associated partners take part beside the beneficiaries."),
    )
    declarations = models.JSONField(
        _("declarations"), default=list, blank=True, validators=[validate_declarations],
        help_text=_("What the applicant declares about this member that EU law attaches a "
                    "consequence to."),
    )

    class Meta:
        ordering = ["-is_coordinator", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["consortium"], condition=Q(is_coordinator=True),
                name="member_one_coordinator_per_consortium",
                violation_error_message=_("A consortium has one coordinator."),
            ),
            models.UniqueConstraint(
                Lower("name"), "consortium", name="member_name_unique_in_consortium",
                violation_error_message=_("This organisation is already a member."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(organisation_type="") | Q(organisation_type__in=OrganisationType.values)
                ),
                name="member_organisation_type_known",
            ),
            models.CheckConstraint(
                condition=Q(eccp_status="") | Q(eccp_status__in=EccpStatus.values),
                name="member_eccp_status_known",
            ),
            models.CheckConstraint(
                condition=Q(role__in=MemberRole.values), name="member_role_known",
            ),
            # The coordinator flag and the role say the same thing about who coordinates.
            models.CheckConstraint(
                condition=Q(is_coordinator=True, role=MemberRole.COORDINATOR)
                | (Q(is_coordinator=False) & ~Q(role=MemberRole.COORDINATOR)),
                name="member_coordinator_flag_matches_role",
                violation_error_message=_("The coordinator's role is coordinator."),
            ),
        ]
        indexes = [models.Index(fields=["country", "consortium"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.role_follow_coordinator_flag()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.role_follow_coordinator_flag()

    def role_follow_coordinator_flag(self) -> None:
        """Keep the role in step with the coordinator flag, which forms and older clients set:
        the coordinator's role is coordinator; a former coordinator becomes a beneficiary."""
        if self.is_coordinator:
            self.role = MemberRole.COORDINATOR
        elif self.role == MemberRole.COORDINATOR:
            self.role = MemberRole.BENEFICIARY

    def snapshot(self) -> dict:
        region = self.region
        return {
            "name": self.name,
            "country": self.country_id,
            "region": region.code if region else None,
            "region_name": region.name if region else None,
            "region_category": region.category if region else None,
            "organisation_type": self.organisation_type or None,
            "eccp_status": self.eccp_status or None,
            "eccp_profile_url": self.eccp_profile_url or None,
            "role": self.role,
            "declarations": list(self.declarations or ()),
        }


class OutcomeStatuses(models.Func):
    """Each rule's status in a JSON list of stored outcomes, as a small ``{rule: status}``
    object built by the database, so that the long stored wording need not be read."""

    output_field = models.JSONField()
    template = (
        "(SELECT json_group_object(json_extract(item.value, '$.rule'), "
        "json_extract(item.value, '$.status')) FROM json_each(%(expressions)s) AS item)"
    )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection,
            template="(SELECT jsonb_object_agg(item->>'rule', item->>'status') "
                     "FROM jsonb_array_elements(%(expressions)s) AS item)",
            **extra_context,
        )


class SubmissionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """Only the withdrawal can be recorded: any other change is refused, here and by
        PostgreSQL itself (the triggers on the model)."""
        changing = {name.removesuffix("_id") for name in kwargs}
        if not changing or not changing <= Submission.WITHDRAWAL_FIELDS:
            raise SubmissionIsImmutable(
                "A submission is kept as submitted; only its withdrawal can be recorded."
            )
        return super().update(**kwargs)

    def delete(self):
        raise SubmissionIsImmutable("A submission is history and is never deleted.")

    def visible_to(self, user):
        """The submissions ``user`` may look at: the one definition every reviewer's page,
        export and history asks.

        An administrator sees every submission; everyone signed in sees the submissions of
        the consortia they created. A national contact point sees a submission whose
        members, as submitted (its ``countries``, never the consortium as it is now),
        include a country they answer for, while its consortium stands submitted (never a
        draft's history). Anonymous visitors see none.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        consortium_standing = Submission.objects.active().filter(
            consortium=models.OuterRef("consortium_id")
        )
        from_their_countries = SubmissionCountry.objects.filter(
            submission=models.OuterRef("pk"), country__national_contact_points__user=user
        )
        return self.filter(
            Q(consortium__owner=user)
            | (models.Exists(consortium_standing) & models.Exists(from_their_countries))
        )

    def active(self):
        """Submissions that stand: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def with_submitted_statuses(self):
        """Annotate ``submitted_statuses``: each rule's status as submitted, ``{rule: status}``."""
        return self.annotate(submitted_statuses=OutcomeStatuses("outcomes"))


class Submission(models.Model):
    """A consortium as submitted: what was checked, against which parameters, and when.

    Nothing here changes after it is written except the withdrawal fields; a withdrawn
    submission stays as history. At most one submission of a consortium stands at a time.
    """

    WITHDRAWAL_FIELDS = frozenset({"withdrawn_at", "withdrawn_by"})

    consortium = models.ForeignKey(
        Consortium, on_delete=models.PROTECT, related_name="submissions",
        verbose_name=_("consortium"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    snapshot = models.JSONField(_("consortium as submitted"))
    outcomes = models.JSONField(_("outcomes"))
    verdict = models.CharField(_("verdict"), max_length=20)
    call_parameters = models.JSONField(_("call parameters used"))
    call_parameters_hash = models.CharField(_("call parameters hash"), max_length=64)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("withdrawn by"),
    )
    countries = models.ManyToManyField(
        Country, through="SubmissionCountry", related_name="submissions",
        verbose_name=_("countries of its members"),
        help_text=_("The countries of its members as submitted: which national contact "
                    "points see it."),
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        get_latest_by = "submitted_at"
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["consortium"], condition=Q(withdrawn_at__isnull=True),
                name="submission_one_standing_per_consortium",
                violation_error_message=_("This consortium is already submitted."),
            ),
            models.CheckConstraint(
                condition=Q(verdict=Verdict.ELIGIBLE),
                name="submission_verdict_eligible",
                violation_error_message=_("Only an eligible consortium can be submitted."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="submission_withdrawal_names_who_and_when",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | Q(withdrawn_at__gte=models.F("submitted_at")),
                name="submission_withdrawn_after_submitted",
            ),
        ]
        triggers = [
            # PostgreSQL refuses what the model refuses, whoever writes: only the withdrawal
            # columns may change, once, and no row is deleted (TRUNCATE is left to tests).
            pgtrigger.Trigger(
                name="submission_kept_as_submitted", when=pgtrigger.Before,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(exclude=["withdrawn_at", "withdrawn_by"]),
                func=refuse("submissions are append-only: only the withdrawal can be recorded"),
            ),
            pgtrigger.Trigger(
                name="submission_withdrawal_is_final", when=pgtrigger.Before,
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__withdrawn_at__isnull=False) & (
                    pgtrigger.Q(old__withdrawn_at__df=pgtrigger.F("new__withdrawn_at"))
                    | pgtrigger.Q(old__withdrawn_by__df=pgtrigger.F("new__withdrawn_by"))
                ),
                func=refuse("submissions are append-only: a withdrawal is recorded once"),
            ),
            pgtrigger.Trigger(
                name="submission_never_deleted", when=pgtrigger.Before,
                operation=pgtrigger.Delete,
                func=refuse("submissions are append-only: they are never deleted"),
            ),
        ]
        indexes = [
            models.Index(fields=["consortium", "-submitted_at"]),
            # The review queue: standing submissions, newest first or by verdict.
            models.Index(
                fields=["-submitted_at"], condition=Q(withdrawn_at__isnull=True),
                name="submission_standing_newest",
            ),
            models.Index(
                fields=["verdict", "-submitted_at"], condition=Q(withdrawn_at__isnull=True),
                name="submission_standing_verdict",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot.get('acronym', '')} ({self.submitted_at.isoformat()})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            changing = set(kwargs.get("update_fields") or ())
            if not changing or not changing <= self.WITHDRAWAL_FIELDS:
                raise SubmissionIsImmutable(
                    "A submission is kept as submitted; only its withdrawal can be recorded."
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SubmissionIsImmutable("A submission is history and is never deleted.")

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def outcomes_for_display(self) -> list[dict]:
        """The stored outcomes, worded in the active language when that wording was kept."""
        language = (get_language() or "en").split("-")[0]
        shown = []
        for outcome in self.outcomes:
            wording = outcome.get("wording", {}).get(language, {})
            shown.append({**outcome, **wording})
        return shown


class SubmissionIsImmutable(Exception):
    """Raised on an attempt to change or delete a recorded submission."""


class SubmissionCountry(models.Model):
    """A country of a submission's members as submitted; written with the submission."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="+", verbose_name=_("submission")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )

    class Meta:
        verbose_name = _("country of a submission")
        verbose_name_plural = _("countries of submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "country"], name="submission_country_once"
            ),
        ]
        indexes = [
            # A contact point's submissions: by country first.
            models.Index(fields=["country", "submission"], name="submission_country_reverse"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="submission_country_append_only", when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func=refuse("the countries of a submission are kept as submitted"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.country_id}"


class SubmissionRecheck(models.Model):
    """A later run of the rules over a standing submission, kept beside it.

    Written when a call's parameters are corrected after submissions arrived
    (``manage.py recheck_eligibility``). The submission itself, with its snapshot and the
    outcomes it was submitted with, is never touched. ``outcomes`` keeps what each rule found
    (rule code, status, actual value); what the call required is in the call's parameters at
    ``call_parameters_hash``. ``changed`` says whether any rule's status or the verdict
    differs from the submission's. One run shares one ``checked_at``.
    """

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="rechecks",
        verbose_name=_("submission"),
    )
    checked_at = models.DateTimeField(_("checked at"))
    call_parameters_hash = models.CharField(_("call parameters hash"), max_length=64)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    outcomes = models.JSONField(_("outcomes"))
    changed = models.BooleanField(_("changed since submission"))

    class Meta:
        ordering = ["-checked_at"]
        get_latest_by = "checked_at"
        verbose_name = _("re-check")
        verbose_name_plural = _("re-checks")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "checked_at"], name="recheck_once_per_run",
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=Verdict.values),
                name="recheck_verdict_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} re-checked {self.checked_at.isoformat()}: {self.verdict}"


def snapshot_countries(snapshot: dict) -> list[str]:
    """The members' country codes in a submission snapshot, each once, in member order."""
    return list(dict.fromkeys(
        member["country"] for member in snapshot.get("members", []) if member.get("country")
    ))


class RecheckRun(models.Model):
    """One run of ``manage.py recheck_eligibility`` over a call, and how far it has come.

    Its :class:`SubmissionRecheck` rows share its ``checked_at``. A run on the workers is cut
    into chunks of submissions, each written in a transaction of its own by whichever worker
    takes it, which then adds its counts here in the same transaction: ``chunks_done`` of
    ``chunks`` is the run's progress, shown by the command and in the admin. A chunk that
    could not be checked (the call changed since the run began) counts in ``chunks_failed``.
    A run in one process is written whole in one transaction.
    """

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="recheck_runs", verbose_name=_("call"),
    )
    checked_at = models.DateTimeField(_("checked at"))
    call_parameters_hash = models.CharField(_("call parameters hash"), max_length=64)
    on_workers = models.BooleanField(_("on the workers"), default=False)
    submissions = models.PositiveIntegerField(_("submissions to check"))
    chunks = models.PositiveIntegerField(_("chunks"))
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    chunks_failed = models.PositiveIntegerField(_("chunks failed"), default=0)
    checked = models.PositiveIntegerField(_("checked"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    verdict_changed = models.PositiveIntegerField(_("changed verdict"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-checked_at"]
        get_latest_by = "checked_at"
        verbose_name = _("re-check run")
        verbose_name_plural = _("re-check runs")
        constraints = [
            models.UniqueConstraint(fields=["call", "checked_at"], name="recheck_run_once"),
            models.CheckConstraint(
                condition=Q(chunks_done__lte=models.F("chunks") - models.F("chunks_failed")),
                name="recheck_run_chunks_counted_once",
            ),
            models.CheckConstraint(
                condition=Q(checked__lte=models.F("submissions")),
                name="recheck_run_checked_at_most_all",
            ),
            models.CheckConstraint(
                condition=Q(verdict_changed__lte=models.F("changed"))
                & Q(changed__lte=models.F("checked")),
                name="recheck_run_changes_among_checked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} re-checked {self.checked_at.isoformat()}"

    @property
    def unchanged(self) -> int:
        return self.checked - self.changed

    @property
    def is_finished(self) -> bool:
        return self.chunks_done + self.chunks_failed >= self.chunks

    def rechecks(self):
        """This run's rows, oldest submission first."""
        return SubmissionRecheck.objects.filter(
            checked_at=self.checked_at, submission__consortium__call_id=self.call_id
        ).order_by("submission_id")
