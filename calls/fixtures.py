"""Loading calls and reference data from fixture files: validated, all-or-nothing.

A call's file holds the call, its strands and its rules; each rule's options are validated
by the rule class's ``Parameters`` and each option's provenance checked (see
:mod:`calls.provenance`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils.dateparse import parse_datetime

from audit.models import Action
from audit.services import event_record

from .models import (
    Call,
    CallRule,
    Country,
    Participation,
    Programme,
    Region,
    RegionAlias,
    RegionClassification,
    Strand,
)
from .provenance import provenance_problems
from .rule_kinds import rule_kinds

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"

# The models a fixture may hold, in the order they must be loaded.
LOADABLE_MODELS: list[type[models.Model]] = [
    Programme, Country, Participation, RegionClassification, Region, RegionAlias, Call, Strand,
    CallRule,
]
REFERENCE_MODELS = {"calls.programme", "calls.country", "calls.participation",
                    "calls.regionclassification", "calls.region", "calls.regionalias"}
MODEL_RANK = {model._meta.label_lower: rank for rank, model in enumerate(LOADABLE_MODELS)}
MODELS_BY_LABEL = {model._meta.label_lower: model for model in LOADABLE_MODELS}

@dataclass(frozen=True)
class LoadProblem:
    location: str
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.location}, field {self.field}" if self.field else self.location
        return f"{where}: {self.message}"


@dataclass
class LoadReport:
    problems: list[LoadProblem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed"
        )


@dataclass
class FixtureEntry:
    source: str
    index: int
    raw: dict
    outcome: str = ""  # created, updated or unchanged, once loaded

    @property
    def label(self) -> str:
        return str(self.raw.get("model", "")).lower()

    @property
    def location(self) -> str:
        model = self.raw.get("model", "?")
        raw_fields = self.raw.get("fields")
        fields = raw_fields if isinstance(raw_fields, dict) else {}
        key = self.raw.get("pk") or _describing_key(self.label, fields)
        described = f"{model} {json.dumps(key, ensure_ascii=False)}" if key else str(model)
        return f"{self.source}, object {self.index} ({described})"


def _describing_key(label: str, fields: dict):
    if label == "calls.call":
        return fields.get("reference", "")
    if label == "calls.callrule":
        strand = fields.get("strand")
        strand_code = strand[-1] if isinstance(strand, list) and strand else None
        return [*_as_list(fields.get("call")), strand_code, fields.get("code", "")]
    if label == "calls.strand":
        return [*_as_list(fields.get("call")), fields.get("code", "")]
    if label == "calls.participation":
        return [*_as_list(fields.get("programme")), *_as_list(fields.get("country")),
                fields.get("starts_on", "")]
    return fields.get("code", "")


def _as_list(value) -> list:
    """A key as given: a list, or a single value (which the checks below refuse)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def call_fixtures_load(
    *,
    sources: Sequence[tuple[str, bytes | str]],
    actor=None,
    progress: Callable[[int, int], None] | None = None,
) -> LoadReport:
    """Validate and load fixture files in one transaction: everything or nothing.

    ``sources`` are (name, content) pairs. Objects are loaded in model dependency order,
    whatever file they are in. Every problem found is reported with the object and field
    it concerns; if there is any, the database is left exactly as it was.
    ``progress(done, total)`` is called after each object.
    """
    report = LoadReport()
    rejected: set[tuple[str, tuple]] = set()
    entries = _parse_sources(sources, report)
    entries.sort(key=lambda entry: MODEL_RANK.get(entry.label, -1))
    try:
        with transaction.atomic():
            loaded_calls: dict[str, Call] = {}
            in_sources: dict[str, set[tuple]] = {}
            known = KnownObjects()
            for done, entry in enumerate(entries, start=1):
                instance = _load_entry(entry, report, rejected, known)
                if progress:
                    progress(done, len(entries))
                if isinstance(instance, Call):
                    loaded_calls[instance.reference] = instance
                    in_sources.setdefault(instance.reference, set())
                elif isinstance(instance, (Strand, CallRule)):
                    in_sources.setdefault(instance.call.reference, set()).add(
                        (type(instance), instance.pk)
                    )
            if report.ok:
                _remove_what_sources_no_longer_list(loaded_calls, in_sources, report)
                for call in loaded_calls.values():
                    _check_call_as_a_whole(call, report)
            if report.ok:
                _record_call_changes(entries, report, actor)
                _bump_versions(entries, report)
            if not report.ok:
                transaction.set_rollback(True)
    except DatabaseError as error:
        report.problems.append(LoadProblem("database", None, str(error).strip()))
    if not report.ok:
        report.created, report.updated, report.unchanged, report.removed = [], [], [], []
    return report


def call_fixture_export(calls: Iterable[Call]) -> str:
    """The calls with their strands and rules as a call fixture, as ``call_fixtures_load``
    reads it: natural keys, dates and times in each call's own time zone."""
    objects: list[dict] = []
    for call in calls:
        zone = ZoneInfo(call.deadline_timezone)
        instances = [call, *call.strands.order_by("pk"), *call.rules.order_by("pk")]
        for entry in serializers.serialize(
            "python", instances, use_natural_foreign_keys=True, use_natural_primary_keys=True,
        ):
            entry["fields"] = {
                name: value.astimezone(zone).isoformat() if isinstance(value, datetime)
                else value
                for name, value in entry["fields"].items()
                if name != "version"  # a stamp of this database, not a fact of the call
            }
            objects.append(entry)
    return json.dumps(objects, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1) + "\n"


def reference_fixture_paths() -> list[Path]:
    """Every fixture file of the application, reference data and calls alike."""
    return sorted(FIXTURES_DIR.rglob("*.json"))


def read_fixture_files(
    paths: Iterable[Path | str],
) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Read files for loading; return their contents and a message per unreadable file."""
    sources, errors = [], []
    for path in map(Path, paths):
        try:
            sources.append((path.name, path.read_bytes()))
        except OSError as error:
            errors.append(f"{path}: cannot read the file ({error.strerror or error}).")
    return sources, errors


def _parse_sources(sources, report: LoadReport) -> list[FixtureEntry]:
    entries = []
    for name, content in sources:
        try:
            text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
            document = json.loads(text)
        except UnicodeDecodeError:
            report.problems.append(LoadProblem(name, None, "the file is not UTF-8 text."))
            continue
        except json.JSONDecodeError as error:
            report.problems.append(LoadProblem(
                name, None,
                f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}.",
            ))
            continue
        except RecursionError:
            report.problems.append(LoadProblem(
                name, None, "lists or objects are nested too deeply to be a fixture."
            ))
            continue
        except ValueError:  # Python refuses to read an integer of more than 4,300 digits
            report.problems.append(LoadProblem(
                name, None, "a number has more digits than any field can hold."
            ))
            continue
        if not isinstance(document, list):
            report.problems.append(LoadProblem(
                name, None,
                "a fixture is a JSON list of objects, each with \"model\" and \"fields\".",
            ))
            continue
        for index, raw in enumerate(document, start=1):
            if not isinstance(raw, dict):
                report.problems.append(LoadProblem(
                    f"{name}, object {index}", None, "each object must be a JSON object."
                ))
                continue
            entries.append(FixtureEntry(name, index, raw))
    return entries


class KnownObjects:
    """The objects one load refers to, each read from the database once.

    Every foreign key of a fixture names an object by natural key or primary key; the loader
    checks that it exists, and Django's deserializer would look it up once more. The objects
    of each model are read in one query before the model's entries are loaded; objects
    found or saved meanwhile are kept by the key that fixtures name them by. Only objects
    that exist are kept: a key that names nothing is looked up (and reported) every time.
    """

    def __init__(self):
        self._objects: dict[tuple, models.Model] = {}
        self._preloaded: set[str] = set()

    @staticmethod
    def _key(model, value) -> tuple:
        named = tuple(value) if isinstance(value, list) else ("pk", value)
        hash(named)  # an unhashable key (a JSON object in a list) raises TypeError here
        return (model._meta.label_lower, named)

    def preload(self, model) -> None:
        """Read every existing object of ``model`` once, with the objects its key names."""
        label = model._meta.label_lower
        if label in self._preloaded:
            return
        self._preloaded.add(label)
        for instance in model._default_manager.select_related():
            self.remember(instance, list(instance.natural_key()))

    def remember(self, instance, natural_key: list | None) -> None:
        self._objects[self._key(type(instance), instance.pk)] = instance
        if natural_key is not None:
            self._objects[self._key(type(instance), natural_key)] = instance

    def find(self, model, value):
        """The object ``value`` names, or raise as the model's manager would."""
        try:
            key = self._key(model, value)
        except TypeError:
            key = None
        if key is not None and key in self._objects:
            return self._objects[key]
        if isinstance(value, list):
            instance = model._default_manager.get_by_natural_key(*value)
        else:
            instance = model._default_manager.get(pk=value)
        if key is not None:
            self._objects[key] = instance
        return instance

    def existing(self, model, natural_key: list | None):
        """The stored object with this natural key, known without a query, or None."""
        if natural_key is None:
            return None
        try:
            return self._objects.get(self._key(model, natural_key))
        except TypeError:
            return None


def _load_entry(entry: FixtureEntry, report: LoadReport, rejected: set, known: KnownObjects):
    """Validate and save one object; on a problem, remember it as rejected."""
    instance = _validate_and_save(entry, report, rejected, known)
    if instance is None and entry.label in MODELS_BY_LABEL:
        marker = _rejection_marker(entry.label, _natural_key_of(entry))
        if marker is not None:
            rejected.add(marker)
    return instance


def _rejection_marker(label: str, key: tuple) -> tuple | None:
    """How the set of rejected objects names the object ``label`` ``key``; None for a key
    that holds a JSON object or list, which names no object at all."""
    try:
        hash(key)
    except TypeError:
        return None
    return (label, key)


def _fixture_natural_key(label: str, raw: dict) -> list | None:
    """The natural key of a fixture object as other fixture objects name it, read from its
    fields without a query; None when its fields do not give one."""
    fields = raw.get("fields") or {}
    try:
        if label == "calls.country":
            return [raw["pk"]] if raw.get("pk") is not None else None
        if label in ("calls.programme", "calls.regionclassification"):
            return [fields["code"]]
        if label == "calls.call":
            return [fields["reference"]]
        if label == "calls.region" and isinstance(fields.get("classification"), list):
            return [*fields["classification"], fields["code"]]
        if label == "calls.regionalias" and isinstance(fields.get("region"), list):
            return [fields["region"][0], fields["code"]]
        if label == "calls.participation" and all(
            isinstance(fields.get(name), list) for name in ("programme", "country")
        ):
            return [*fields["programme"], *fields["country"], fields["starts_on"]]
        if label == "calls.strand" and isinstance(fields.get("call"), list):
            return [*fields["call"], fields["code"]]
        if label == "calls.callrule" and isinstance(fields.get("call"), list):
            strand = fields.get("strand")
            if strand is not None and not isinstance(strand, list):
                return None
            return [*fields["call"], strand[-1] if strand else None, fields["code"]]
    except (KeyError, TypeError):
        return None
    return None


def _natural_key_of(entry: FixtureEntry) -> tuple:
    fields = entry.raw.get("fields") or {}
    if entry.raw.get("pk") is not None:
        return (entry.raw["pk"],)
    key = _describing_key(entry.label, fields)
    return tuple(key) if isinstance(key, list) else (key,)


def _validate_and_save(entry: FixtureEntry, report: LoadReport, rejected: set,
                       known: KnownObjects):
    problems = _shape_problems(entry)
    if entry.label not in MODELS_BY_LABEL or not isinstance(entry.raw.get("fields"), dict):
        report.problems.extend(problems)
        return None
    model = MODELS_BY_LABEL[entry.label]
    # Validate the fields that are usable even when others are not, to report every problem.
    bad_fields = {problem.field for problem in problems if problem.field}
    raw = {**entry.raw, "fields": {
        name: value for name, value in entry.raw["fields"].items() if name not in bad_fields
    }}
    reference_problems = _reference_problems(raw, entry.location, model, rejected, known)
    if reference_problems is None:
        # It refers to an object rejected above, whose problem is already reported; a rule's
        # options are still checked, so that every problem is named at once.
        if model is CallRule:
            fields = raw["fields"]
            unsaved = CallRule(code=fields.get("code", ""), options=fields.get("options", {}),
                               provenance=fields.get("provenance", {}))
            report.problems.extend(rule_option_problems(entry.location, unsaved))
        return None
    problems += reference_problems
    if reference_problems:
        report.problems.extend(problems)
        return None
    # The objects the foreign keys name were found above: hand the deserializer their primary
    # keys, and the primary key of the stored object this entry describes, if any, so that it
    # looks nothing up again. Validation below is unchanged.
    known.preload(model)
    natural_key = _fixture_natural_key(entry.label, entry.raw)
    stored = known.existing(model, natural_key)
    raw["fields"] = {
        name: known.find(model._meta.get_field(name).related_model, value).pk
        if _is_foreign_key(model, name) and value is not None else value
        for name, value in raw["fields"].items()
    }
    if stored is not None and raw.get("pk") is None:
        raw = {**raw, "pk": stored.pk}
    try:
        deserialized = next(serializers.deserialize("python", [raw]))
    except (
        DeserializationError, ValidationError, ObjectDoesNotExist, ValueError, TypeError,
    ) as error:
        report.problems.extend([*problems, LoadProblem(entry.location, None, _first_line(error))])
        return None
    instance = deserialized.object
    if stored is not None and stored.pk == instance.pk:
        existing = stored
    else:
        existing = _existing(model, instance)
    instance._state.adding = existing is None
    if isinstance(instance, Call):
        # The version is the database's count of changes, never a fixture's.
        instance.version = existing.version if existing is not None else 1
    try:
        instance.full_clean(exclude=bad_fields)
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            field_label = None if field_name == "__all__" else field_name
            problems += [LoadProblem(entry.location, field_label, message) for message in messages]
    if isinstance(instance, CallRule) and not {"options", "provenance"} & bad_fields:
        problems += rule_option_problems(entry.location, instance)
    if problems:
        report.problems.extend(problems)
        return None
    label = entry.location.split("(", 1)[-1].rstrip(")")
    if existing is not None and _same_values(existing, instance):
        report.unchanged.append(label)
        entry.outcome = "unchanged"
        known.remember(existing, natural_key)
        return existing
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        report.problems.append(LoadProblem(entry.location, None, _first_line(error)))
        return None
    known.remember(instance, natural_key)
    entry.outcome = "updated" if existing is not None else "created"
    (report.updated if existing is not None else report.created).append(label)
    return instance


def _shape_problems(entry: FixtureEntry) -> list[LoadProblem]:
    """Problems of form: unknown keys, models or fields, unusable date-times."""
    raw = entry.raw
    unknown_keys = set(raw) - {"model", "pk", "fields"}
    if unknown_keys:
        return [LoadProblem(entry.location, None, f"unknown keys {sorted(unknown_keys)}.")]
    if "pk" in raw and entry.label != "calls.country":
        # Objects are matched by natural key only: a primary key could name another object
        # (a call loaded with "pk": 1 would rename whichever call has that key).
        return [LoadProblem(
            entry.location, None,
            "\"pk\" is not accepted: objects are matched by their natural key (a call by its "
            "reference, a rule by its call and code); leave \"pk\" out.",
        )]
    if entry.label not in MODELS_BY_LABEL:
        allowed = ", ".join(MODELS_BY_LABEL)
        return [LoadProblem(
            entry.location, None,
            f"unknown model {raw.get('model')!r}; a fixture may hold {allowed}.",
        )]
    if not isinstance(raw.get("fields"), dict):
        return [LoadProblem(entry.location, None, "\"fields\" must be an object.")]
    model = MODELS_BY_LABEL[entry.label]
    problems = []
    for name, value in raw["fields"].items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            problems.append(LoadProblem(entry.location, name, "unknown field."))
            continue
        if not model_field.concrete or model_field.primary_key or not model_field.editable:
            problems.append(LoadProblem(entry.location, name, "this field cannot be set."))
        elif (problem := _value_problem(model_field, value)) is not None:
            problems.append(LoadProblem(entry.location, name, problem))
        elif isinstance(model_field, models.DateTimeField) and value is not None:
            parsed = _parse_datetime(value) if isinstance(value, str) else None
            if parsed is None:
                problems.append(
                    LoadProblem(entry.location, name, f"{value!r} is not a date and time.")
                )
            elif parsed.tzinfo is None:
                problems.append(LoadProblem(
                    entry.location, name,
                    f"{value!r} has no UTC offset; write it like 2018-03-08T17:00:00+01:00.",
                ))
    return problems


def _value_problem(model_field: models.Field, value) -> str | None:
    """What is wrong with ``value`` for ``model_field``, taken alone, or None.

    Fixtures write each kind of field with one JSON type, as ``dumpdata`` does. Django's
    deserializer would store a JSON object given for a text as the text "{...}", and
    reports a value it cannot convert without naming the field: both are caught here.
    Date-times, foreign keys and JSON fields are checked elsewhere.
    """
    if value is None:
        return None if model_field.null else "this field cannot be empty (null)."
    if isinstance(model_field, models.ForeignKey):
        # A country's primary key is its natural key (its ISO code); any other object is
        # named by its natural key only, never by a primary key that could name another.
        if isinstance(value, list) or (
            isinstance(value, str) and model_field.related_model is Country
        ):
            return None
        return "name the object by its natural key, a JSON list such as [\"code\"]."
    if isinstance(model_field, (models.JSONField, models.DateTimeField)):
        return None
    expected: tuple[type, ...]
    if isinstance(model_field, models.BooleanField):
        expected, wording = (bool,), "true or false"
    elif isinstance(model_field, models.IntegerField):
        expected, wording = (int,), "a whole number"
    elif isinstance(model_field, models.DecimalField):
        expected, wording = (str, int, float), 'a decimal number written as text, like "350000.00"'
    elif isinstance(model_field, models.DateField):
        expected, wording = (str,), "a date written YYYY-MM-DD"
    else:
        expected, wording = (str,), "text"
    if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
        return f"{json.dumps(value, ensure_ascii=False)} is not {wording}."
    try:
        model_field.to_python(value)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def _parse_datetime(value: str):
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _is_foreign_key(model, name: str) -> bool:
    return isinstance(model._meta.get_field(name), models.ForeignKey)


def _reference_problems(
    raw: dict, location: str, model, rejected: set, known: KnownObjects
) -> list[LoadProblem] | None:
    """Every foreign key must name an object that exists (or was loaded before it).

    Returns None when a key names an object of the same sources that was rejected.
    """
    problems = []
    for name, value in raw["fields"].items():
        model_field = model._meta.get_field(name)
        if not isinstance(model_field, models.ForeignKey) or value is None:
            continue
        related = model_field.related_model
        key = tuple(value) if isinstance(value, list) else (value,)
        if _rejection_marker(related._meta.label_lower, key) in rejected:
            return None
        try:
            known.find(related, value)
        except (ObjectDoesNotExist, TypeError, ValueError, ValidationError):
            problems.append(LoadProblem(
                location, name,
                f"no {related._meta.verbose_name} {json.dumps(value, ensure_ascii=False)} exists.",
            ))
    return problems


def _existing(model, instance):
    if instance.pk is None:
        return None
    return model._default_manager.filter(pk=instance.pk).first()


def _same_values(existing, instance) -> bool:
    return all(
        field.value_from_object(existing) == field.value_from_object(instance)
        for field in instance._meta.concrete_fields
    )


def _remove_what_sources_no_longer_list(loaded_calls, in_sources, report: LoadReport) -> None:
    """A call's file lists all its strands and rules: those it no longer lists are removed."""
    for reference, call in loaded_calls.items():
        listed = in_sources[reference]
        for model in (CallRule, Strand):
            keep = [pk for kind, pk in listed if kind is model]
            stale = model._default_manager.filter(call=call).exclude(pk__in=keep)
            for instance in stale:
                key = instance.key if isinstance(instance, CallRule) else instance.code
                report.removed.append(f"{model._meta.label_lower} {reference} {key}")
            stale.delete()


def _bump_versions(entries: list[FixtureEntry], report: LoadReport) -> None:
    """Raise the version of every call that changed; of every call, when reference data did."""
    changed = [entry for entry in entries if entry.outcome in {"created", "updated"}]
    if any(entry.label in REFERENCE_MODELS for entry in changed):
        Call.objects.versions_bump()
        return
    references = {
        entry.raw["fields"]["reference"] if entry.label == "calls.call"
        else entry.raw["fields"]["call"][0]
        for entry in changed
    } | {label.split()[1] for label in report.removed}
    Call.objects.filter(reference__in=references).versions_bump()


def _record_call_changes(entries: list[FixtureEntry], report: LoadReport, actor) -> None:
    """One record entry per call created, or changed in itself or in its rules."""
    changed: dict[str, Action] = {}
    for entry in entries:
        fields = entry.raw["fields"]
        if entry.label == "calls.call" and entry.outcome in {"created", "updated"}:
            action = Action.CALL_LOADED if entry.outcome == "created" else Action.CALL_UPDATED
            changed[fields["reference"]] = action
        elif entry.label in ("calls.callrule", "calls.strand") and entry.outcome in {
            "created", "updated"
        }:
            changed.setdefault(fields["call"][0], Action.CALL_UPDATED)
    for label in report.removed:
        changed.setdefault(label.split()[1], Action.CALL_UPDATED)
    for call in Call.objects.filter(reference__in=changed):
        event_record(
            action=changed[call.reference], actor=actor, call=call,
            details={"reference": call.reference, "parameters_hash": call.parameters_hash()},
        )


def _check_call_as_a_whole(call: Call, report: LoadReport) -> None:
    location = f"calls.call {json.dumps(call.reference)}"
    kinds = rule_kinds()
    for stored in call.rules.select_related("strand"):
        for problem in kinds.call_problems(stored, call):
            report.problems.append(LoadProblem(
                f"calls.callrule {json.dumps([call.reference, stored.key])}", None, problem
            ))
    day = call.participation_date
    if not Participation.objects.filter(programme=call.programme).active_on(day).exists():
        report.problems.append(LoadProblem(
            location, "participation_on" if call.participation_on else "deadline",
            f"no country takes part in {call.programme.code} on {day.isoformat()}.",
        ))


def rule_option_problems(location: str, rule: CallRule) -> list[LoadProblem]:
    """The options of a rule, checked against its class's ``Parameters``, and their
    provenance: one entry per option, a null value only for a value not known."""
    kinds = rule_kinds()
    option_names = kinds.option_names(rule.code)
    if option_names is None:
        return []  # the code is refused as an unknown choice
    options, provenance = rule.options, rule.provenance
    if not isinstance(options, dict):
        return [LoadProblem(location, "options", 'write the options as an object {"name": value}.')]
    problems = [
        LoadProblem(location, "provenance", problem)
        for problem in provenance_problems(provenance, names=option_names)
    ]
    if not isinstance(provenance, dict):
        return problems
    not_known = []
    for name, value in options.items():
        basis = (provenance.get(name) or {}).get("basis") if isinstance(
            provenance.get(name), dict) else None
        if name not in provenance and name in option_names:
            problems.append(LoadProblem(
                location, f"options.{name}",
                f'no provenance: add "{name}": {{"basis": ..., "source": ...}} to "provenance".',
            ))
        if value is None and basis != "not_known":
            problems.append(LoadProblem(
                location, f"options.{name}",
                'null only for a value not known ("basis": "not_known" in its provenance).',
            ))
        elif value is not None and basis == "not_known":
            problems.append(LoadProblem(
                location, f"options.{name}", "a value not known is written null.",
            ))
        if value is None:
            not_known.append(name)
    given = {name: value for name, value in options.items() if value is not None}
    for name, messages in kinds.option_problems(rule.code, given, not_known).items():
        field_name = f"options.{name}" if name else "options"
        problems += [LoadProblem(location, field_name, str(message)) for message in messages]
    return problems


def _first_line(error: Exception) -> str:
    text = str(error).strip() or error.__class__.__name__
    return text.splitlines()[0]
