"""What the rules read about a call, built once per process and rebuilt when the call changes.

Building a call's parameters reads the call, its strands and rules, the participating countries
and the regions. Every process keeps what it built, keyed by the call and its ``version``;
``Call.version`` is raised in the database whenever the call, its strands or rules are saved
(fixture load, admin) or reference data is reloaded. Before using what it keeps, a process
reads the call's current version (one query on the primary key, once per call instance),
so a change made by any process is seen by every other one at its next check.
"""
from threading import Lock

from calls.models import Call

from .facts import CallParameters, build_call_parameters

_built: dict[int, CallParameters] = {}
_lock = Lock()


def current_version(call_pk: int) -> int | None:
    return Call.objects.filter(pk=call_pk).values_list("version", flat=True).first()


def cached_call_parameters(call: Call) -> CallParameters:
    """The parameters of ``call`` at its current version; memoised on the instance too."""
    memo = call.__dict__.get("_eligibility_parameters")
    if memo is not None:
        return memo
    version = current_version(call.pk)
    params = _built.get(call.pk)
    if params is None or params.version != version:
        params = build_call_parameters(call)
        with _lock:
            _built[call.pk] = params
    call.__dict__["_eligibility_parameters"] = params
    return params


def clear() -> None:
    """Forget every call built in this process (as a fresh process would start)."""
    with _lock:
        _built.clear()
