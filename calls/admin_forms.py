"""The forms of the calls' administration: a rule's options, uploading call fixtures."""
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .fixtures import rule_option_problems
from .models import CallRule


class CallRuleAdminForm(forms.ModelForm):
    """A call's rule, its options validated by the rule class's ``Parameters`` as a fixture
    load does."""

    class Meta:
        model = CallRule
        fields = ["strand", "code", "severity", "reference", "reference_ro", "source", "options",
                  "provenance"]

    def clean(self):
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        rule = CallRule(code=cleaned.get("code", ""), options=cleaned.get("options") or {},
                        provenance=cleaned.get("provenance") or {})
        problems = rule_option_problems("", rule)
        if problems:
            raise ValidationError([f"{problem.field}: {problem.message}" for problem in problems])
        return cleaned


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
