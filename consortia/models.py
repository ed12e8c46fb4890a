"""Consortia that applicants build for a call, their members, and their submissions."""
from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from calls.models import Call, Country, EccpStatus, OrganisationType, Region

ECCP_URL_VALIDATOR = RegexValidator(
    r"^https://(www\.)?clustercollaboration\.eu(/|$)",
    _("Enter the https address of the profile on clustercollaboration.eu."),
)


class ConsortiumQuerySet(models.QuerySet):
    def owned_by(self, user):
        """The consortia ``user`` created; anonymous users own none."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


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
        ]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self) -> str:
        return self.acronym

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


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
        ]
        indexes = [models.Index(fields=["country", "consortium"])]

    def __str__(self) -> str:
        return self.name

    @property
    def role(self) -> str:
        return "coordinator" if self.is_coordinator else "partner"
