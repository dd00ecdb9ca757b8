"""A ClickHouse service's settings schema and one setting, private endpoint creation and
its own backup bucket (2026-06 spec), through the ``ClickHouseServiceOps`` protocol of
``adapters.clickhouse_ops``.

A backup bucket is written with a credential (a GCP HMAC secret, an Azure connection
string): it goes in the request body and nowhere else. The answers are read field by
field, so a secret the vendor might echo is never mapped; the access key ID is kept only
as a hint; a vendor error that repeats the secret has it blanked out; and the bucket's
GET is never cached (``resource_kind`` in ``__init__.py``)."""

from __future__ import annotations

import re
from typing import Any

from adapters.clickhouse.service_extras import ServiceExtras
from adapters.clickhouse_ops import BackupBucket, BackupBucketInput, SettingSchemaEntry
from adapters.coerce import as_str
from adapters.details import ClickHouseSetting, PrivateEndpoint
from adapters.errors import UpstreamError
from adapters.model import Key

#: ClickHouse setting names are identifiers
SETTING_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
#: ``clickhouseSettings/schema`` is the schema endpoint: no setting has that name
SCHEMA_PART = "schema"
MAX_TEXT = 255
PROVIDER_FIELDS = {
    "AWS": ("bucket_path", "iam_role_arn", "iam_role_session_name"),
    "GCP": ("bucket_path", "access_key_id", "secret_access_key"),
    "AZURE": ("container_name", "connection_string"),
}
#: what a new bucket needs; an update needs the provider's credential ("the secrets of
#: the specified bucket provider are always required")
REQUIRED_NEW = {
    "AWS": ("bucket_path", "iam_role_arn"),
    "GCP": ("bucket_path", "access_key_id", "secret_access_key"),
    "AZURE": ("container_name", "connection_string"),
}
REQUIRED_CHANGE = {
    "AWS": ("iam_role_arn",),
    "GCP": ("access_key_id", "secret_access_key"),
    "AZURE": ("connection_string",),
}
_WIRE = {
    "bucket_path": "bucketPath",
    "iam_role_arn": "iamRoleArn",
    "iam_role_session_name": "iamRoleSessionName",
    "access_key_id": "accessKeyId",
    "secret_access_key": "secretAccessKey",
    "container_name": "containerName",
    "connection_string": "connectionString",
}
_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
REDACTED = "[redacted]"


class ServiceOps(ServiceExtras):
    """Beside the service extras, whose service key it shares."""

    # -- settings ------------------------------------------------------------------------

    async def get_settings_schema(self, database: Key) -> list[SettingSchemaEntry]:
        org, service = self._service_key(database)
        body = await self.client.service_part(org, service, "clickhouseSettings", SCHEMA_PART)
        listed = body.get("settings")
        return [
            _schema_entry(s)
            for s in (listed if isinstance(listed, list) else [])
            if isinstance(s, dict) and isinstance(s.get("name"), str)
        ]

    async def get_clickhouse_setting(self, database: Key, name: str) -> ClickHouseSetting | None:
        org, service = self._service_key(database)
        if not SETTING_NAME.fullmatch(name):
            raise self.invalid(("name",), "must be a setting name (letters, digits, _)")
        if name == SCHEMA_PART:
            return None
        body = await self._get_or_none(
            self.client.service_part(org, service, "clickhouseSettings", name)
        )
        if body is None:
            return None
        # the vendor answers the name asked for; one it does not is not that setting
        if body.get("name") not in (None, name):
            raise self.http.bad_response("a setting answered under another name")
        return ClickHouseSetting(name, as_str(body.get("value")))

    # -- private endpoint --------------------------------------------------------------

    async def create_private_endpoint(
        self, database: Key, endpoint_id: str, description: str | None
    ) -> PrivateEndpoint:
        org, service = self._service_key(database)
        self._text(("endpoint_id",), endpoint_id)
        body = {"id": endpoint_id}
        if description is not None:
            self._text(("description",), description, blank=True)
            body["description"] = description
        answer = await self.client.write_service_part(
            "POST", org, service, ("privateEndpoint",), body
        )
        answer = answer if isinstance(answer, dict) else {}
        return PrivateEndpoint(
            id=as_str(answer.get("id")),
            description=as_str(answer.get("description")),
            cloud_provider=as_str(answer.get("cloudProvider")),
            region=as_str(answer.get("region")),
        )

    def _text(self, field: tuple[str, ...], value: str, *, blank: bool = False) -> None:
        if (not blank and not value.strip()) or len(value) > MAX_TEXT:
            raise self.invalid(field, f"must be 1 to {MAX_TEXT} characters")
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise self.invalid(field, "must not hold control characters")

    # -- backup bucket -----------------------------------------------------------------

    async def get_backup_bucket(self, database: Key) -> BackupBucket | None:
        org, service = self._service_key(database)
        body = await self._get_or_none(self.client.service_part(org, service, "backupBucket"))
        return _bucket(body) if body is not None else None

    def _bucket_body(self, bucket: BackupBucketInput, *, create: bool) -> dict[str, Any]:
        provider = bucket.provider
        allowed = PROVIDER_FIELDS.get(provider)
        if allowed is None:
            raise self.invalid(("provider",), "must be AWS, GCP or AZURE")
        body: dict[str, Any] = {"bucketProvider": provider}
        for field, wire in _WIRE.items():
            value = getattr(bucket, field)
            if value is None:
                continue
            if field not in allowed:
                raise self.invalid((field,), f"is not a field of a {provider} bucket")
            # a secret is never shown back, not even in a refusal
            if not value.strip() or len(value) > 4096:
                raise self.invalid((field,), "must be 1 to 4096 characters")
            body[wire] = value
        for field in (REQUIRED_NEW if create else REQUIRED_CHANGE)[provider]:
            if field not in _fields_given(bucket):
                when = "for a new bucket" if create else "for any change (the vendor's rule)"
                raise self.invalid((field,), f"required {when}")
        if bucket.iam_role_arn is not None and not _ARN.fullmatch(bucket.iam_role_arn):
            raise self.invalid(("iam_role_arn",), "must be an IAM role ARN")
        return body

    async def write_backup_bucket(
        self, database: Key, bucket: BackupBucketInput, *, create: bool
    ) -> BackupBucket:
        org, service = self._service_key(database)
        body = self._bucket_body(bucket, create=create)
        secrets = [s for s in (bucket.secret_access_key, bucket.connection_string) if s]
        try:
            answer = await self.client.write_service_part(
                "POST" if create else "PATCH", org, service, ("backupBucket",), body
            )
        except UpstreamError as exc:
            raise _scrubbed(exc, secrets) from None
        return _bucket(answer if isinstance(answer, dict) else {})

    async def delete_backup_bucket(self, database: Key) -> None:
        org, service = self._service_key(database)
        await self.client.write_service_part("DELETE", org, service, ("backupBucket",), None)


def _fields_given(bucket: BackupBucketInput) -> set[str]:
    return {f for f in _WIRE if getattr(bucket, f) is not None}


def _scrubbed(exc: UpstreamError, secrets: list[str]) -> UpstreamError:
    """The vendor's error with every secret sent blanked out of its message."""
    message = exc.message
    for secret in secrets:
        message = message.replace(secret, REDACTED)
    if message == exc.message:
        return exc
    return UpstreamError(
        exc.code,
        message,
        connection=exc.connection or "",
        vendor=exc.vendor or "clickhouse",
        upstream_status=exc.upstream_status,
        vendor_code=exc.vendor_code,
        upstream_request_id=exc.upstream_request_id,
        retryable=exc.retryable,
        retry_after=exc.retry_after,
    )


def _hint(value: Any) -> str | None:
    text = as_str(value)
    if not text:
        return None
    return "…" + text[-4:] if len(text) > 8 else "…"


def _bucket(body: dict[str, Any]) -> BackupBucket:
    return BackupBucket(
        id=as_str(body.get("id")),
        provider=as_str(body.get("bucketProvider")),
        bucket_path=as_str(body.get("bucketPath")),
        iam_role_arn=as_str(body.get("iamRoleArn")),
        iam_role_session_name=as_str(body.get("iamRoleSessionName")),
        access_key_id_hint=_hint(body.get("accessKeyId")),
        container_name=as_str(body.get("containerName")),
    )


def _schema_entry(body: dict[str, Any]) -> SettingSchemaEntry:
    allowed = body.get("enum")
    return SettingSchemaEntry(
        name=str(body["name"]),
        type=as_str(body.get("type")),
        description=as_str(body.get("description")),
        allowed_values=tuple(str(v) for v in allowed if isinstance(v, str | int | float))
        if isinstance(allowed, list)
        else (),
        warning=as_str(body.get("warning")),
        deprecation_notice=as_str(body.get("deprecationNotice")),
        example=as_str(body.get("example")),
    )
