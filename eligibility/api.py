"""The JSON API: POST /api/v1/eligibility-checks, described at /api/openapi.json and /api/docs.

The view reads the raw body and hands it to the contract, exactly as the CLI does, so that
numbers keep their decimals and every problem is reported in the same words. Nothing is stored.
"""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.openapi.schema import REF_TEMPLATE
from ninja.throttling import BaseThrottle

from config.clients import client_address
from config.ratelimit import Rate, rate_allows

from .contract import CheckRequestIn, ErrorsOut, InvalidRequest, ReportOut, check_request, to_json

JSON = "application/json"


class ClientAddressThrottle(BaseThrottle):
    """At most ``settings.API_RATE_LIMIT`` requests per client address ("off": no limit).

    The address is ``config.clients.client_address``; counts live in Django's cache (shared
    by every process with ``REDIS_URL``), incremented atomically.
    """

    def allow_request(self, request: HttpRequest) -> bool:
        return rate_allows("api", client_address(request), Rate.parse(settings.API_RATE_LIMIT))

    def wait(self) -> float | None:
        rate = Rate.parse(settings.API_RATE_LIMIT)
        return None if rate is None else rate.seconds_left()


class EligibilityApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Add the request body's schema: the view reads the body itself, so ninja cannot."""
        schema = super().get_openapi_schema(*args, **kwargs)
        request_schema = CheckRequestIn.model_json_schema(ref_template=REF_TEMPLATE)
        definitions = request_schema.pop("$defs", {})
        schema.add_schema_definitions({**definitions, CheckRequestIn.__name__: request_schema})
        return schema


api = EligibilityApi(
    title="Cluster-call eligibility pre-check",
    version="1",
    description=(
        "Checks whether a consortium may apply to an EU cluster-partnership call, rule by "
        "rule, with the reason for each outcome. It is a pre-check: the call text prevails."
    ),
    urls_namespace="eligibility_api",
    throttle=[ClientAddressThrottle()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)

REQUEST_SCHEMA_REF = REF_TEMPLATE.format(model=CheckRequestIn.__name__)
REQUEST_BODY = {
    "requestBody": {"required": True, "content": {JSON: {"schema": {"$ref": REQUEST_SCHEMA_REF}}}}
}


@api.post(
    "/v1/eligibility-checks",
    response={200: ReportOut, 400: ErrorsOut, 415: ErrorsOut},
    openapi_extra=REQUEST_BODY,
    summary="Check a consortium against a call",
    description=(
        "Returns one outcome per rule the call configures and the verdict: `not_eligible` if "
        "a blocking rule fails, else `incomplete` if one lacks facts, else `eligible`. "
        "Invalid input gives 400 with its problems as `path: message` (the first 50, then how "
        "many more); a body not sent as `application/json` gives 415. Nothing is stored. "
        "Messages are in the language of the Accept-Language header (English or Romanian)."
    ),
)
def eligibility_check(request: HttpRequest):
    # The API has no language prefix; messages follow the Accept-Language header instead.
    with translation.override(translation.get_language_from_request(request)):
        if not is_json(request):
            return json_response({"errors": [
                _("body: send it as JSON, with the header Content-Type: application/json")
            ]}, status=415)
        try:
            body = request.body
        except RequestDataTooBig:
            return json_response({"errors": [_("body: too large")]}, status=400)
        try:
            report = check_request(body)
        except InvalidRequest as error:
            return json_response({"errors": error.errors}, status=400)
        return json_response(report.to_dict())


def is_json(request: HttpRequest) -> bool:
    """Whether the body is declared as JSON (``application/json``, optionally with a UTF-8
    charset). A browser sends any other type across sites without asking first (no CORS
    preflight): refusing them keeps other sites' pages from using visitors' browsers. An
    empty body, with or without a type, is read (and refused as malformed JSON)."""
    if not request.META.get("CONTENT_LENGTH", "0").strip("0"):
        return True
    if request.content_type != JSON:
        return False
    params = request.content_params or {}
    return set(params) <= {"charset"} and params.get("charset", "utf-8").lower() in {
        "utf-8", "utf8",
    }


def json_response(payload: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(to_json(payload), status=status, content_type=JSON)
