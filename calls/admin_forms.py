"""The forms of the calls' administration: a rule's options, uploading call fixtures."""
import copy
from datetime import date
from decimal import Decimal
from typing import cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .fixtures import rule_option_problems
from .models import Basis, Call, CallRule, Strand
from .rule_kinds import rule_kinds

OPTION, BASIS, SOURCE = "option_", "basis_", "source_"


class CallRuleAdminForm(forms.ModelForm):
    """A call's rule, one field per option of its rule class's ``Parameters`` with where each
    comes from; checked as a fixture load checks it (:func:`rule_option_problems`).

    Made for one kind of rule by :func:`call_rule_form`: ``code`` names it.
    """

    code = ""
    call_id: str | None = None  # the call a new rule is added to
    option_names: tuple[str, ...] = ()

    class Meta:
        model = CallRule
        fields = ["call", "code", "strand", "severity", "reference", "reference_ro", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].disabled = True
        self.fields["code"].disabled = True
        self.fields["code"].initial = self.code
        if not self.instance.pk:
            self.fields["call"].initial = self.call_id
        call_id = self.instance.call_id if self.instance.pk else self.initial.get("call")
        strand = cast(forms.ModelChoiceField, self.fields["strand"])
        strand.queryset = (
            Strand.objects.filter(call_id=call_id) if call_id else Strand.objects.none()
        )
        options = self.instance.options if isinstance(self.instance.options, dict) else {}
        provenance = (
            self.instance.provenance if isinstance(self.instance.provenance, dict) else {}
        )
        for name in self.option_names:
            given = provenance.get(name)
            entry = given if isinstance(given, dict) else {}
            self.initial.setdefault(OPTION + name, options.get(name))
            self.initial.setdefault(BASIS + name, entry.get("basis", ""))
            self.initial.setdefault(SOURCE + name, entry.get("source", ""))

    def option_fields(self) -> list[tuple[str, list]]:
        """Each option with its bound fields (value, basis, source), for the template."""
        return [
            (name, [self[OPTION + name], self[BASIS + name], self[SOURCE + name]])
            for name in self.option_names
        ]

    def clean(self):
        cleaned = super().clean() or {}
        self.instance.code = self.code
        self.instance.options = self._options()
        self.instance.provenance = self._provenance()
        for problem in rule_option_problems("", self.instance):
            self._add_problem(problem.field or "", problem.message)
        call = cleaned.get("call")
        if call is not None and not self.errors:
            self.instance.call, self.instance.strand = call, cleaned.get("strand")
            for message in rule_kinds().call_problems(self.instance, call):
                self.add_error(None, message)
        return cleaned

    def _options(self) -> dict:
        options = {}
        for name in self.option_names:
            field = self.fields[OPTION + name]
            value = self.cleaned_data.get(OPTION + name, self._raw(name))
            value = _as_json(field, value)
            not_known = self.cleaned_data.get(BASIS + name) == Basis.NOT_KNOWN
            if value is not None or not_known:
                options[name] = value
        return options

    def _raw(self, name: str):
        """What was typed for an option its field refused: the rule's check names why."""
        field = self.fields[OPTION + name]
        return field.widget.value_from_datadict(self.data, self.files, self.add_prefix(
            OPTION + name))

    def _provenance(self) -> dict:
        provenance = {}
        for name in self.option_names:
            basis = self.cleaned_data.get(BASIS + name, "")
            source = self.cleaned_data.get(SOURCE + name, "")
            if basis or source:
                provenance[name] = {"basis": basis, "source": source}
        return provenance

    def _add_problem(self, where: str, message: str) -> None:
        """A problem as the fixture load names it, shown on the field it concerns."""
        name = None
        if where.startswith("options."):
            name = OPTION + where.removeprefix("options.")
        elif where == "provenance" and ":" in message:
            path, _colon, rest = message.partition(":")
            option, _dot, part = path.partition(".")
            prefix = SOURCE if part == "source" else BASIS
            if option in self.option_names:
                name, message = prefix + option, rest.strip()
        if name not in self.fields:
            name = None
        if name and message in self.errors.get(name, []):
            return  # the field itself already said so
        self.add_error(name, f"{where}: {message}" if name is None and where else message)


def _as_json(field: forms.Field, value):
    """An option's cleaned value as a call fixture writes it."""
    if value is None or (isinstance(value, (str, list, tuple, set, frozenset)) and not value):
        return None
    if isinstance(value, (set, frozenset)):
        return [code for code, _label in getattr(field, "choices", ()) if code in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def call_rule_form(code: str) -> type[CallRuleAdminForm] | None:
    """The admin form of a rule of kind ``code``: its parameters as fields; None for a code
    no rule has."""
    parameters = rule_kinds().parameters_form(code)
    if parameters is None:
        return None
    fields: dict[str, forms.Field] = {}
    for name, parameter in parameters.base_fields.items():
        option = copy.deepcopy(parameter)
        option.required = False  # a value not known is empty; the rule's check asks for it
        fields[OPTION + name] = option
        fields[BASIS + name] = forms.ChoiceField(
            label=_("Where “%(option)s” comes from") % {"option": parameter.label or name},
            choices=[("", "---------"), *Basis.choices], required=False,
        )
        fields[SOURCE + name] = forms.CharField(
            label=_("Source of “%(option)s”") % {"option": parameter.label or name},
            required=False, widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
        )
    return type(f"CallRuleAdminForm_{code}", (CallRuleAdminForm,), {
        **fields, "code": code, "option_names": tuple(parameters.base_fields),
    })


class RuleKindForm(forms.Form):
    """The first step of adding a rule to a call: which kind of rule."""

    call = forms.ModelChoiceField(Call.objects.all(), label=_("Call"))
    code = forms.ChoiceField(label=_("Kind of rule"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = cast(forms.ChoiceField, self.fields["code"])
        code.choices = [("", "---------"), *rule_kinds().choices()]


class SampleConsortiumForm(forms.Form):
    """A sample consortium, pasted or uploaded, to check against a call before it is used."""

    sample = forms.CharField(
        label=_("Consortium (JSON)"), required=False,
        widget=forms.Textarea(
            attrs={"rows": 14, "class": "vLargeTextField", "spellcheck": "false"}
        ),
        help_text=_('The JSON the API and the command line read: {"members": [...], '
                    '"project": {...}}. Its "call" is not needed: this call is used.'),
    )
    sample_file = forms.FileField(
        label=_("or a JSON file"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean(self):
        cleaned = super().clean() or {}
        upload, text = cleaned.get("sample_file"), cleaned.get("sample", "")
        if upload is not None and upload.size > settings.CALL_FIXTURE_MAX_BYTES:
            raise ValidationError(
                _("The file is too large: %(size)s; at most %(limit)s is accepted."),
                code="too_large", params={"size": filesizeformat(upload.size),
                                          "limit": filesizeformat(settings.CALL_FIXTURE_MAX_BYTES)},
            )
        if upload is None and not text.strip():
            raise ValidationError(_("Paste a consortium or choose a file."), code="required")
        return cleaned

    def body(self) -> bytes | str:
        """The consortium's JSON as given: the file if there is one, else the text."""
        upload = self.cleaned_data.get("sample_file")
        return upload.read() if upload is not None else self.cleaned_data["sample"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more uploaded files, cleaned as a list."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else [data]
        uploads = [upload for upload in uploads if upload]
        clean_one = super().clean
        if not uploads:
            return clean_one(None, initial)
        return [clean_one(upload, initial) for upload in uploads]


class CallFixtureUploadForm(forms.Form):
    # A declared field: the form's metaclass moves it to base_fields, so it does not hide
    # the form's ``files`` (the uploads), whatever the type checker reads into the name.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Fixture files"),
        help_text=_(
            "Django fixture JSON with natural keys, like the files in fixtures/calls/. "
            "Several files are loaded together, all or nothing."
        ),
        widget=MultipleFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        size = sum(upload.size for upload in uploads)
        limit = settings.CALL_FIXTURE_MAX_BYTES
        if size > limit:
            raise ValidationError(
                _("The upload is too large: %(size)s; at most %(limit)s is accepted. "
                  "Nothing was loaded."),
                code="too_large",
                params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
            )
        return uploads

    def sources(self) -> list[tuple[str, bytes]]:
        """The uploaded files as (name, content) pairs, for ``call_fixtures_load``."""
        return [(upload.name, upload.read()) for upload in self.cleaned_data["files"]]
