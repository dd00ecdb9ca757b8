"""What Django REST framework does with a request for the DBaaS simulator.

Error responses, body parsing (JSON and the form bodies curl sends) and the field types
the DBaaS serializers use, each with DRF's own messages. Validation collects every
field's problems into one ``{"<field>": ["message"]}`` body, as DRF answers a 400.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

Record = dict[str, Any]
Errors = dict[str, list[str]]

_NAMES = "database|credential|plan|environment|project"
LIST_RE = re.compile(rf"/api/({_NAMES})/")
# DRF's default lookup regex: a non-numeric id still routes, then 404s on lookup.
DETAIL_RE = re.compile(rf"/api/({_NAMES})/([^/.]+)/")
RESET_RE = re.compile(r"/api/credential/([^/.]+)/reset_password/")

REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."
BLANK = "This field may not be blank."
IMMUTABLE = "This field cannot be changed after creation."
NOT_PROVIDED = "Authentication credentials were not provided."
BAD_LOGIN = "Invalid username/password"
# Django's unique_together messages, which land under "__all__" as the notes show.
DUPLICATE_DATABASE = "Database with this Name and Environment already exists."
DUPLICATE_CREDENTIAL = "Credential with this User and Database already exists."
FORBIDDEN = "You do not have permission to perform this action."
WWW_AUTHENTICATE = {"WWW-Authenticate": 'Basic realm="api"'}


class ApiError(Exception):
    """An error response a handler raises; the dispatcher renders it."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def error_response(status: int, message: str) -> Response:
    """What SimulatorMiddleware sends for an injected fault: DRF's ``{"detail": ...}``."""
    return JSONResponse({"detail": message}, status_code=status)


def render_datetime(value: datetime) -> str:
    """DRF's DateTimeField output: ISO 8601 in UTC with a ``Z`` suffix."""
    text = value.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


async def read_body(request: Request) -> Record:
    raw = await request.body()
    if not raw.strip():
        return {}
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise ApiError(400, {"detail": f"JSON parse error - {exc}"}) from None
        if not isinstance(data, dict):
            kind = type(data).__name__
            raise ApiError(
                400,
                {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]},
            )
        return data
    if ctype == "application/x-www-form-urlencoded":  # what curl -d sends
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    raise ApiError(415, {"detail": f'Unsupported media type "{ctype}" in request.'})


def raise_if(errors: Errors) -> None:
    if errors:
        raise ApiError(400, errors)


def text_field(data: Record, key: str, errors: Errors) -> str | None:
    """A required DRF CharField: trimmed, numbers coerced, containers rejected."""
    if key not in data:
        errors[key] = [REQUIRED]
        return None
    value = data[key]
    if value is None:
        errors[key] = [NOT_NULL]
    elif isinstance(value, bool) or not isinstance(value, str | int | float):
        errors[key] = ["Not a valid string."]
    elif not str(value).strip():
        errors[key] = [BLANK]
    else:
        return str(value).strip()
    return None


def link_field(
    data: Record,
    key: str,
    resource: str,
    errors: Errors,
    exists: Callable[[str, int], bool],
    *,
    required: bool = True,
) -> int | None:
    """A HyperlinkedRelatedField: relative or absolute URL; the host is not checked."""
    value = data.get(key)
    if value is None or value == "":
        if key not in data and required:
            errors[key] = [REQUIRED]
        elif required:
            errors[key] = [NOT_NULL]
        return None
    if not isinstance(value, str):
        errors[key] = [f"Incorrect type. Expected URL string, received {type(value).__name__}."]
        return None
    path = urlsplit(value).path if re.match(r"https?://", value) else value
    matched = DETAIL_RE.fullmatch(path)
    if matched is None:
        errors[key] = ["Invalid hyperlink - No URL match."]
    elif matched.group(1) != resource:
        errors[key] = ["Invalid hyperlink - Incorrect URL match."]
    elif not matched.group(2).isdigit() or not exists(resource, int(matched.group(2))):
        errors[key] = ["Invalid hyperlink - Object does not exist."]
    else:
        return int(matched.group(2))
    return None


def datetime_field(data: Record, key: str, errors: Errors) -> str | None:
    value = data[key]
    if value is None or value == "":
        return None  # clearing quarantine_dt releases the database
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        errors[key] = [
            "Datetime has wrong format. Use one of these formats instead: "
            "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
        ]
        return None
    return render_datetime(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))
