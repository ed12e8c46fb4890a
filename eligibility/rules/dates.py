"""Conditions on time: the project's duration and start, the submission deadline."""
from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy

from ..facts import CallParameters
from ..outcomes import Status
from ..wording import _, day_text, instant_text, ngettext, per_call
from .base import Rule, RuleParameters


def deadline_text(instant: datetime, params: CallParameters, *, seconds: bool = False) -> str:
    return instant_text(
        instant, params.deadline_timezone, params.deadline_local.tzinfo, seconds=seconds
    )


class DurationInRange(Rule):
    """Family: the project lasts at most the call's maximum number of months, and at least
    its minimum where the call sets one."""

    class Parameters(RuleParameters):
        minimum = forms.IntegerField(
            label=gettext_lazy("minimum (months)"), required=False, min_value=1,
            help_text=gettext_lazy("Leave out when there is no minimum."),
        )
        maximum = forms.IntegerField(
            label=gettext_lazy("maximum (months)"), min_value=1,
            help_text=gettext_lazy("The longest duration the call accepts."),
        )

        def clean(self):
            cleaned = super().clean() or {}
            low, high = cleaned.get("minimum"), cleaned.get("maximum")
            if low is not None and high is not None and low > high:
                raise forms.ValidationError(
                    "The minimum duration must not be above the maximum."
                )
            return cleaned

    def evaluate(self, facts, params, as_of):
        months = facts.project.duration_months
        low, high = self.options.get("minimum"), self.options["maximum"]
        required = {"min": low, "max": high}
        context = {"min": low, "max": high}
        if months is None:
            hint = (
                _("Give the duration in months (%(min)d to %(max)d).") if low is not None
                else _("Give the duration in months (at most %(max)d).")
            )
            return self.outcome(Status.MISSING, _("The project's duration is not given."),
                                required=required, hint=hint % context)
        context["months"] = months
        if low is not None:
            message = ngettext(
                "The project lasts %(months)d month; the call allows %(min)d to %(max)d months.",
                "The project lasts %(months)d months; the call allows %(min)d to %(max)d "
                "months.",
                months,
            ) % context
            hint = _("Plan the project to last %(min)d to %(max)d months.") % context
        else:
            message = ngettext(
                "The project lasts %(months)d month; the call allows at most %(max)d months.",
                "The project lasts %(months)d months; the call allows at most %(max)d months.",
                months,
            ) % context
            hint = _("Plan the project to last at most %(max)d months.") % context
        if (low is None or low <= months) and months <= high:
            return self.outcome(Status.PASS, message, actual=months, required=required)
        return self.outcome(Status.FAIL, message, actual=months, required=required, hint=hint)

    def explain(self, params):
        low, high = self.options.get("minimum"), self.options["maximum"]
        if low is None:
            return _("The project may last at most %(max)d months.") % {"max": high}
        return _("The project must last between %(min)d and %(max)d months.") % {
            "min": low, "max": high
        }


class Duration(DurationInRange):
    """The project lasts between the call's minimum and maximum number of months.

    Call text §6.3 (implementation period): 12 to 24 months for ESCP-S3.
    """

    code = "duration"
    title = gettext_lazy("Project duration")
    order = 90


class StartWindow(Rule):
    """The project starts within the call's start window.

    Call text §3 (timetable): ESCP-S3 projects must start in November or December 2018.
    """
    code = "start_window"
    title = gettext_lazy("Project start")
    order = 100

    class Parameters(RuleParameters):
        earliest = forms.DateField(
            label=gettext_lazy("earliest start"), required=False,
            help_text=gettext_lazy("The first day a project may start (YYYY-MM-DD)."),
        )
        latest = forms.DateField(
            label=gettext_lazy("latest start"), required=False,
            help_text=gettext_lazy("The last day a project may start (YYYY-MM-DD)."),
        )

        def clean(self):
            cleaned = super().clean() or {}
            earliest, latest = cleaned.get("earliest"), cleaned.get("latest")
            if ("earliest" in self.data) != ("latest" in self.data):
                raise forms.ValidationError("Give both ends of the start window, or neither.")
            if earliest and latest and earliest > latest:
                raise forms.ValidationError("The start window must begin before it ends.")
            return cleaned

    @per_call
    def window_terms(self, params) -> tuple[dict[str, str], dict[str, str]]:
        window_from, window_to = self.options["earliest"], self.options["latest"]
        return (
            {"from": window_from.isoformat(), "to": window_to.isoformat()},
            {"from": day_text(window_from), "to": day_text(window_to)},
        )

    def evaluate(self, facts, params, as_of):
        start = facts.project.start_date
        window_from, window_to = self.options.get("earliest"), self.options.get("latest")
        if window_from is None or window_to is None:
            return self.outcome(Status.PASS, _("The call sets no start window."),
                                actual=start.isoformat() if start else None)
        required, window = self.window_terms(params)
        required, context = dict(required), dict(window)
        if start is None:
            return self.outcome(
                Status.MISSING, _("The project's start date is not given."),
                required=required,
                hint=_("Give a start date from %(from)s to %(to)s.") % context,
            )
        context["start"] = day_text(start)
        if window_from <= start <= window_to:
            message = _(
                "The project starts on %(start)s, within the call's window (%(from)s to %(to)s)."
            ) % context
            return self.outcome(Status.PASS, message, actual=start.isoformat(),
                                required=required)
        message = _(
            "The project starts on %(start)s, outside the call's window (%(from)s to %(to)s)."
        ) % context
        return self.outcome(Status.FAIL, message, actual=start.isoformat(),
                            required=required,
                            hint=_("Plan the start from %(from)s to %(to)s.") % context)

    def explain(self, params):
        if self.options.get("earliest") is None or self.options.get("latest") is None:
            return _("The call sets no window for the project's start.")
        return _("The project must start from %(from)s to %(to)s.") % {
            "from": day_text(self.options["earliest"]), "to": day_text(self.options["latest"])
        }


class Deadline(Rule):
    """The check is made strictly before the submission deadline.

    Call text §3 (timetable): 8 March 2018, 17:00 Brussels time, for ESCP-S3. A proposal
    submitted at 17:00:00 is late.
    """
    code = "deadline"
    title = gettext_lazy("Submission deadline")
    order = 110
    call_facts = ("deadline",)

    @per_call
    def deadline_terms(self, params) -> tuple[str, str]:
        return params.deadline_local.isoformat(), deadline_text(params.deadline_local, params)

    def evaluate(self, facts, params, as_of):
        deadline = params.deadline_local
        required, deadline_wording = self.deadline_terms(params)
        checked = as_of.astimezone(deadline.tzinfo)
        context = {
            "checked": deadline_text(checked, params, seconds=True),
            "deadline": deadline_wording,
        }
        if as_of < deadline:
            message = _("Checked at %(checked)s, before the deadline of %(deadline)s.") % context
            return self.outcome(Status.PASS, message, actual=checked.isoformat(),
                                required=required)
        message = _(
            "The deadline of %(deadline)s has passed (checked at %(checked)s)."
        ) % context
        return self.outcome(Status.FAIL, message, actual=checked.isoformat(),
                            required=required,
                            hint=_("This call is closed to submissions; look for a later call."))

    def explain(self, params):
        return _(
            "Proposals must be submitted before %(deadline)s; at that minute the call closes."
        ) % {"deadline": deadline_text(params.deadline_local, params)}
