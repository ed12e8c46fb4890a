"""The JSON contract of an eligibility check, shared by the CLI and the API.

:func:`check_request` is the one entry point: it reads a JSON document, reports every
problem in it as ``path: message`` (``members[2].region: "RO99" is not a 2014-2020 NUTS 2
region of Romania``) or runs the check. Shape and types are declared once, in the pydantic
models of :mod:`.schemas`, which also give the API its OpenAPI description; what needs the
database (the call, :mod:`.regions`) and what spans several members (:mod:`.members`: one
coordinator, no organisation twice) is checked afterwards, on the same document, so that
every problem is reported at once (:mod:`.errors` words them; :mod:`.parsing` reads the
document and puts it all together).
"""
from .errors import MAX_REPORTED_PROBLEMS, InvalidRequest
from .parsing import check_request, parse_check_request, to_json
from .schemas import CheckRequestIn, ErrorsOut, ReportOut

__all__ = [
    "MAX_REPORTED_PROBLEMS", "CheckRequestIn", "ErrorsOut", "InvalidRequest", "ReportOut",
    "check_request", "parse_check_request", "to_json",
]
