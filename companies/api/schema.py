"""The OpenAPI documentation's building blocks: the errors each operation documents, the
parameters several operations share, and the schema class and hook of the settings."""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import SAFE_METHODS

from .errors import FIELD_ERRORS_SCHEMA, ErrorSerializer, StaleWriteSerializer
from .permissions import ModelPermissionsOrReadOnly
from .renderers import ORJSONRenderer

JSON = ORJSONRenderer.media_type

ERRORS = {
    400: OpenApiResponse(
        FIELD_ERRORS_SCHEMA,
        description="Bad input, by field or parameter; a query parameter that the operation "
        "does not list is refused too, with the closest known name when there is one: "
        '`{"jobs_min": ["Unknown parameter; did you mean direct_jobs_min?"]}`.',
    ),
    401: OpenApiResponse(ErrorSerializer, description="No token, or a bad or expired one."),
    403: OpenApiResponse(ErrorSerializer, description="The token's user may not do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such resource (drafts included)."),
    406: OpenApiResponse(ErrorSerializer, description="No acceptable response format."),
    409: OpenApiResponse(ErrorSerializer, description="Clashed with a simultaneous change."),
    412: OpenApiResponse(StaleWriteSerializer, description="Changed since the If-Match ETag."),
    415: OpenApiResponse(ErrorSerializer, description="The body is not JSON."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests; see Retry-After."),
}
NOT_MODIFIED = OpenApiResponse(description="Not modified since the ETag or date given.")
READ_ERRORS = (400, 401, 406, 429)
WRITE_ERRORS = (400, 401, 403, 404, 409, 412, 415, 429)
DELETE_ERRORS = (401, 403, 404, 409, 412, 429)


def errors(*codes: int) -> dict:
    """The documented responses of `codes`; errors are JSON whatever the endpoint's
    other formats."""
    return {(code, JSON): ERRORS[code] for code in codes}


def read(serializer, *more_errors: int, more: dict | None = None) -> dict:
    """The responses of a read: `serializer` as JSON, 304, the errors of every read and
    `more_errors`, and `more` responses."""
    return {
        (200, JSON): serializer,
        304: NOT_MODIFIED,
        **errors(*READ_ERRORS, *more_errors),
        **(more or {}),
    }


def written(serializer, *, status: int = 200) -> dict:
    """The responses of a write that answers with the record as read."""
    return {(status, JSON): serializer, **errors(*WRITE_ERRORS)}


DELETED = {204: None, **errors(*DELETE_ERRORS)}


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag of the resource as read; the write is refused (412) if it changed.",
)


def write_operations(
    record, request, *, create: str, update: str, partial_update: str, destroy: str
) -> dict:
    """The documentation of a viewset's four writes, for `extend_schema_view`: each
    answers with `record` as read; the three on an existing record take If-Match."""
    return {
        "create": extend_schema(
            description=create, request=request, responses=written(record, status=201)
        ),
        "update": extend_schema(
            description=update,
            parameters=[IF_MATCH],
            request=request,
            responses=written(record),
        ),
        "partial_update": extend_schema(
            description=partial_update,
            parameters=[IF_MATCH],
            request=request,
            responses=written(record),
        ),
        "destroy": extend_schema(description=destroy, parameters=[IF_MATCH], responses=DELETED),
    }


AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="The day the figures answer for, YYYY-MM-DD, not in the future; default today.",
)
REGISTER_AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="The company as of that day, YYYY-MM-DD, not in the future, from 2010-01-01 "
    "(default today): its status (exited if it exited on or before the day) and figures "
    "as of the day, each with its report's date and source; 404 if its residence had not "
    "begun by then. Names, sector and description are today's.",
)
FIELDS = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Comma-separated names of the fields to return, e.g. `slug,name,country`.",
)
LIST_FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv", "ndjson"],
    description="csv or ndjson: every matching company, streamed, not paged "
    "(as the export operations answer).",
)
SINCE = OpenApiParameter(
    "since",
    OpenApiTypes.DATETIME,
    description="ISO 8601 date and time: removals at or after it (default: all).",
)


def _or_blank(schema: dict) -> dict:
    # A blank value means the filter is not given, as on the companies list.
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


_DECIMAL = {"type": "string", "format": "decimal", "pattern": r"^\d{0,14}(?:\.\d{0,2})?$"}
# The companies list's filters, which the figures endpoints read the same way.
FIGURE_FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Words in the name or description."),
    *(
        OpenApiParameter(name, OpenApiTypes.STR, many=True, explode=True, description=text)
        for name, text in (
            ("country", "ISO 3166-1 alpha-2 code; repeatable."),
            ("sector", "Sector slug; repeatable."),
            (
                "status",
                "Status as of `as_of` (applicant, resident, exited); repeatable. "
                "Only residents are counted, so a status filter without `resident` counts none.",
            ),
        )
    ),
    *(
        OpenApiParameter(
            f"resident_since_{end}",
            _or_blank({"type": "string", "format": "date"}),
            description="Inclusive, YYYY-MM-DD.",
        )
        for end in ("after", "before")
    ),
    *(
        OpenApiParameter(
            f"{figure}_{end}",
            _or_blank({"type": "integer", "minimum": 0} if figure == "direct_jobs" else _DECIMAL),
            description=f"Inclusive bound of each company's {figure} as of `as_of`.",
        )
        for figure in ("declared_investment", "realised_investment", "direct_jobs")
        for end in ("min", "max")
    ),
    OpenApiParameter(
        "updated_since",
        _or_blank({"type": "string", "format": "date-time"}),
        description="ISO 8601 date and time; companies changed at or after it.",
    ),
]


class AutoSchema(BaseAutoSchema):
    """Documents that reads need no token under ModelPermissionsOrReadOnly."""

    def get_auth(self):
        auth = super().get_auth()
        permissions = self.view.get_permissions()
        open_read = any(isinstance(p, ModelPermissionsOrReadOnly) for p in permissions)
        if auth and open_read and self.method in SAFE_METHODS and {} not in auth:
            auth.append({})
        return auth


def blank_means_absent(result, generator, request, public):
    """Document the rule of companies/params.py: a blank query parameter means the
    parameter was not given (drf-spectacular postprocessing hook)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in (
                operation.get("parameters", []) if isinstance(operation, dict) else []
            ):
                if parameter.get("in") == "query":
                    parameter["allowEmptyValue"] = True
    return result
