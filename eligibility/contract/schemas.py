"""The shape and types of a check request and of its answer, declared once: the API's
OpenAPI description comes from these models too."""
from datetime import date, datetime, timezone as dt_timezone
from decimal import Decimal
import re
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    field_validator,
)
from pydantic_core import PydanticCustomError

from calls import countries
from calls.eccp import ECCP_URL_VALIDATOR
from calls.models import Declaration, EccpStatus, OrganisationType

from .errors import quoted

MAX_MEMBERS = 1000
NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def written_as_text(value: Any, error_type: str) -> Any:
    """Dates and instants are written as text: pydantic would read a number, or a number
    in a string, as seconds since 1970 (20181101 as 23 August 1970)."""
    if value is None or (isinstance(value, str) and not NUMBER.fullmatch(value)):
        return value
    raise PydanticCustomError(error_type, "written as text")

Amount = Annotated[
    Decimal,
    Field(
        ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False,
        description="Euros: a decimal string or a number, at most 2 decimals, not negative.",
        examples=["350000.00"],
    ),
]


class CostsIn(BaseModel):
    """The eligible costs split by category, for calls that fund them at different rates."""

    model_config = ConfigDict(extra="forbid", title="Costs")

    fstp: Amount = Field(
        description="Financial support to third parties (cascade funding), in euro.",
        examples=["1500000.00"],
    )
    other: Amount = Field(description="All other eligible costs, in euro.",
                          examples=["600000.00"])


class ProjectIn(BaseModel):
    """The project; every field may be left out until it is known."""

    model_config = ConfigDict(extra="forbid", title="Project")

    acronym: str | None = Field(None, max_length=40, examples=["TEXS3"])
    duration_months: StrictInt | None = Field(None, ge=1, le=32767, examples=[24])
    start_date: date | None = Field(None, examples=["2018-11-01"])
    total_eligible_costs: Amount | None = None
    requested_grant: Amount | None = None
    costs: CostsIn | None = Field(
        None,
        description="Optional: the eligible costs by category. When the total is given too, "
                    "the categories must add up to it.",
    )

    @field_validator("start_date", mode="before")
    @classmethod
    def start_date_is_written_as_text(cls, value: Any) -> Any:
        return written_as_text(value, "date_type")


class MemberIn(BaseModel):
    """One legal entity of the consortium."""

    model_config = ConfigDict(extra="forbid", title="Member")

    name: str = Field(min_length=1, max_length=200, examples=["Cluster Textil Nord-Est"])
    country: str | None = Field(
        None, examples=["RO"],
        description="ISO 3166-1 alpha-2 code, any case; EL (Greece), UK (United Kingdom) "
                    "and XK (Kosovo) are accepted.",
    )
    region: str | None = Field(
        None, examples=["RO21"],
        description="NUTS 2 code in the call's region classification (later codes that name "
                    "the same region are accepted). Leave it out for countries without "
                    "cohesion-policy regions.",
    )
    organisation_type: OrganisationType | None = None
    eccp_status: EccpStatus | None = None
    eccp_profile_url: str | None = Field(
        None, examples=["https://www.clustercollaboration.eu/content/example"],
        description="The https address of the member's profile on clustercollaboration.eu.",
    )
    role: Literal[
        "coordinator", "beneficiary", "affiliated_entity", "associated_partner", "partner"
    ] = Field(
        "beneficiary",
        description='"partner" is accepted as another word for "beneficiary".',
    )
    declarations: list[Declaration] = Field(
        default_factory=list,
        description="What the applicant declares about this member that EU law attaches a "
                    "consequence to: ru_public_control (established in Russia and over 50 % "
                    "publicly owned or controlled, Council Regulation (EU) No 833/2014 art. 5l), "
                    "hu_public_interest_trust (a Hungarian public-interest trust under Act IX "
                    "of 2021 or an entity it maintains, Council Implementing Decision (EU) "
                    "2022/2506).",
    )

    @field_validator("declarations")
    @classmethod
    def declarations_are_listed_once(cls, value: list[Declaration]) -> list[Declaration]:
        if len(set(value)) != len(value):
            raise ValueError(_("a declaration is listed twice"))
        return value

    @field_validator("name")
    @classmethod
    def name_is_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(_("must not be blank"))
        return value.strip()

    @field_validator("country")
    @classmethod
    def country_is_known(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = countries.iso_code(value)
        if code is None:
            raise ValueError(
                _("%(value)s is not a country code (ISO 3166-1 alpha-2; EL, UK and XK are "
                  "accepted)") % {"value": quoted(value)}
            )
        return code

    @field_validator("region")
    @classmethod
    def region_is_nuts2_shaped(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.strip().upper()
        if len(code) != 4 or not code[:2].isalpha() or not code.isalnum() or not code.isascii():
            raise ValueError(_("%(value)s is not a NUTS 2 code") % {"value": quoted(value)})
        return code

    @field_validator("eccp_profile_url")
    @classmethod
    def profile_is_on_the_platform(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.search(ECCP_URL_VALIDATOR.regex, value):
            raise ValueError(_("enter the https address of the profile on "
                               "clustercollaboration.eu"))
        return value


class CheckRequestIn(BaseModel):
    """A consortium to check against a call. Every field except ``call`` and ``members``
    may be left out; the rules that need it then report ``missing``."""

    model_config = ConfigDict(extra="forbid", title="EligibilityCheckRequest")

    call: str = Field(
        min_length=1, max_length=60, examples=["COS-CLUSTPARTNS-2017-3-02"],
        description="The call's reference (its alternative spelling is accepted).",
    )
    as_of: AwareDatetime | None = Field(
        None, examples=["2018-03-01T09:00:00+01:00"],
        description="The instant the check is made for, with its UTC offset; default: now.",
    )
    strand: str | None = Field(
        None, min_length=1, max_length=20, examples=["1"],
        description="The code of the call's strand the consortium applies to; required when "
                    "the call has strands, refused when it has none.",
    )
    project: ProjectIn | None = None
    members: list[MemberIn] = Field(min_length=1, max_length=MAX_MEMBERS)

    @field_validator("as_of", mode="before")
    @classmethod
    def as_of_is_written_as_text(cls, value: Any) -> Any:
        return written_as_text(value, "datetime_type")

    @field_validator("as_of")
    @classmethod
    def as_of_can_be_shown_in_any_time_zone(cls, value: datetime | None) -> datetime | None:
        # Near year 1 or 9999 a time zone conversion leaves the calendar.
        try:
            if value is not None and not 1 < value.astimezone(dt_timezone.utc).year < 9999:
                raise OverflowError
        except OverflowError:
            raise ValueError(_("out of range")) from None
        return value

    @field_validator("call")
    @classmethod
    def call_is_printable(cls, value: str) -> str:
        reference = printable_reference(value)
        if reference is None:
            raise ValueError(_("%(value)s is not a known call") % {"value": quoted(value)})
        return reference


class OutcomeOut(BaseModel):
    model_config = ConfigDict(title="Outcome")

    rule: str = Field(examples=["min_countries"])
    status: Literal["pass", "fail", "missing", "not_checked"]
    severity: Literal["blocking", "advisory"]
    actual: Any = Field(None, examples=[3])
    required: Any = Field(None, examples=[3])
    message: str
    reference: str = Field(examples=["Call text §6.2"])
    hint: str
    provisional: list[str] = Field(
        default_factory=list,
        description="The secondary sources the rule's values rest on; empty when official.",
    )


class ReportOut(BaseModel):
    model_config = ConfigDict(title="EligibilityReport")

    call: str = Field(examples=["COS-CLUSTPARTNS-2017-3-02"])
    verdict: Literal["eligible", "not_eligible", "incomplete"]
    submission_allowed: bool
    outcomes: list[OutcomeOut]


class ErrorsOut(BaseModel):
    model_config = ConfigDict(title="InvalidInput")

    errors: list[str] = Field(
        examples=[['members[2].region: "RO99" is not a 2014-2020 NUTS 2 region of Romania']]
    )


def printable_reference(value: str) -> str | None:
    """The reference without surrounding spaces, or None if it holds control characters."""
    reference = value.strip()
    return reference if reference.isprintable() else None
