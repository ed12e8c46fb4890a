"""What the rules read about a call, built once per process and rebuilt when the call changes.

Building a call's parameters reads the call, its strands and rules, the participating countries
and the regions. Every process keeps what it built, keyed by the call and its ``version``;
``Call.version`` is raised in the database (``F("version") + 1``) whenever the call, its
strands or rules are saved (fixture load, admin) or reference data is reloaded.

The version a process compares is the one read with the call itself: every request loads the
call it checks (one indexed row, which it needs anyway), so a change made by any process is
seen by every other process at its next request, without a query of its own.
"""
from threading import Lock

from calls.models import Call

from .facts import CallParameters, build_call_parameters

_built: dict[int, CallParameters] = {}
_lock = Lock()


def cached_call_parameters(call: Call) -> CallParameters:
    """The parameters of ``call`` as of the version read with it; memoised on the instance."""
    memo = call.__dict__.get("_eligibility_parameters")
    if memo is not None:
        return memo
    params = _built.get(call.pk)
    if params is None or params.version < call.version:
        params = build_call_parameters(call)
        with _lock:
            _built[call.pk] = params
    call.__dict__["_eligibility_parameters"] = params
    return params


def clear() -> None:
    """Forget every call built in this process (as a fresh process would start)."""
    with _lock:
        _built.clear()
