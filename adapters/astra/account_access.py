"""Astra account access beyond the normalized model (issue 21 item 9): stored credentials
one by one and new ones, role bindings one by one and their removal, a user's own fields.

A credential's ``keyStore`` is a secret (a kubeconfig, a bucket key) that the caller hands
in: it goes to Astra and nowhere else. Nothing here reads it back, maps it or returns it,
and a vendor error that echoes any part of it has that part replaced before it leaves.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
from collections.abc import Sequence

from adapters.astra import mapping
from adapters.astra.client import AstraClient
from adapters.astra.validation import Rules
from adapters.base import HttpAdapter
from adapters.details import AstraCredential, AstraRoleBinding, AstraUserChange
from adapters.errors import ErrorCode, GatewayError, UpstreamError
from adapters.model import Key, MemberRecord

#: a keyStore entry's name: a JSON field name as Astra's examples write them (base64,
#: accessKey, secretKey)
ENTRY_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}")
#: a keyType: a word such as kubeconfig, s3 or generic
KEY_TYPE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,62}")
#: far above any kubeconfig; keeps one request from shipping megabytes upstream
MAX_KEY_STORE_CHARS = 131_072
#: a given person name: Astra's examples are short, and the resource bound is 63
MAX_PERSON_NAME = 63
REDACTED = "[redacted]"


class AstraAccountAccess(HttpAdapter):
    """Mixed into ``AstraAdapter``; the ``adapters.base.AstraAccountAccess`` protocol."""

    client: AstraClient
    account_id: str

    def _rules(self) -> Rules:
        return Rules(self.connection, self.account_id, self.invalid)

    def _account(self, organization: Key) -> None:
        self._rules().target(organization, 1, "account")

    # stored credentials -------------------------------------------------------------------
    async def get_credential_metadata(
        self, organization: Key, credential_id: str
    ) -> AstraCredential | None:
        """``GET .../core/v1/credentials/{id}``; null when Astra has no such credential."""
        if not self._is_account(organization) or not credential_id.strip():
            return None
        body = await self._get_or_none(self.client.credential(credential_id))
        return None if body is None else self._credential(body)

    def _is_account(self, organization: Key) -> bool:
        return len(organization) == 1 and organization[0] == self.account_id

    def _credential(self, body: dict[str, object]) -> AstraCredential:
        try:
            return mapping.credential(body)
        except (KeyError, TypeError) as exc:
            raise self.http.bad_response("unreadable credential record") from exc

    def _key_store(self, entries: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        if not entries:
            raise self.invalid(("key_store",), "name at least one entry (kubeconfig: base64)")
        names = [name for name, _ in entries]
        for i, (name, value) in enumerate(entries):
            if not ENTRY_NAME_RE.fullmatch(name):
                raise self.invalid(
                    ("key_store", str(i), "name"),
                    "must be a field name: a letter, then letters, digits or _ (at most 63)",
                )
            if not value:
                raise self.invalid(("key_store", str(i), "value"), "may not be empty")
            # never quote the value: it is the secret
            try:
                base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise self.invalid(
                    ("key_store", str(i), "value"), "must be base64, as Astra stores it"
                ) from None
        if len(set(names)) != len(names):
            raise self.invalid(("key_store",), "names an entry twice")
        if sum(len(v) for _, v in entries) > MAX_KEY_STORE_CHARS:
            raise self.invalid(("key_store",), f"more than {MAX_KEY_STORE_CHARS} characters")
        return list(entries)

    async def create_credential(
        self, organization: Key, name: str, key_type: str, key_store: Sequence[tuple[str, str]]
    ) -> AstraCredential:
        """``POST .../core/v1/credentials``; the answer's metadata, never the keyStore."""
        self._account(organization)
        checked_name = self._rules().name(name)
        if not KEY_TYPE_RE.fullmatch(key_type):
            raise self.invalid(
                ("key_type",), "must be a word such as kubeconfig or s3 (at most 63 characters)"
            )
        entries = self._key_store(key_store)
        body = mapping.credential_body(checked_name, key_type, entries)
        try:
            created = await self.client.create_credential(body)
        except UpstreamError as exc:
            raise _without(exc, [v for _, v in entries]) from None
        return self._credential(created)

    # role bindings -------------------------------------------------------------------------
    async def list_role_bindings(self, organization: Key) -> list[AstraRoleBinding]:
        if not self._is_account(organization):
            return []
        return [self._binding(b) for b in await self.client.role_bindings()]

    def _binding(self, body: dict[str, object]) -> AstraRoleBinding:
        try:
            return mapping.role_binding(body)
        except (KeyError, TypeError) as exc:
            raise self.http.bad_response("unreadable role binding record") from exc

    async def get_role_binding(self, organization: Key, binding_id: str) -> AstraRoleBinding | None:
        """``GET .../core/v1/roleBindings/{id}``; null when Astra has no such binding."""
        if not self._is_account(organization) or not binding_id.strip():
            return None
        body = await self._get_or_none(self.client.role_binding(binding_id))
        return None if body is None else self._binding(body)

    async def delete_role_binding(self, organization: Key, binding_id: str) -> None:
        """``DELETE .../core/v1/roleBindings/{id}``: the user stays, without that role."""
        self._account(organization)
        if not binding_id.strip():
            raise self.invalid(("binding_id",), "may not be blank")
        await self.client.delete_role_binding(binding_id)

    # users ---------------------------------------------------------------------------------
    def _person_name(self, value: str | None, field: str) -> str | None:
        if value is None:
            return None
        if not value.strip() or len(value) > MAX_PERSON_NAME:
            raise self.invalid((field,), f"must be 1 to {MAX_PERSON_NAME} characters, not blank")
        return value

    async def update_user(self, member: Key, change: AstraUserChange) -> MemberRecord:
        """GET the user, PUT it back whole with the changes (204), GET it again."""
        _, user_id = self._rules().target(member, 2, "member")
        first = self._person_name(change.first_name, "first_name")
        last = self._person_name(change.last_name, "last_name")
        if all(v is None for v in (first, last, change.enabled, change.suspended)):
            raise self.invalid(
                ("input",), "change at least one of firstName, lastName, enabled, suspended"
            )
        user = await self.client.user(user_id)
        new = dict(user)
        if first is not None:
            new["firstName"] = first
        if last is not None:
            new["lastName"] = last
        if change.enabled is not None:
            new["isEnabled"] = change.enabled
        if change.suspended is not None:
            if user.get("state") == mapping.PENDING_USER:
                # active would pretend the invitee signed in; Astra moves them itself
                raise GatewayError(
                    ErrorCode.CONFLICT,
                    f"astra connection '{self.connection.name}': user {user_id} is still "
                    "pending (an invitation); only a signed-in user is suspended or resumed",
                    connection=self.connection.name,
                    vendor=self.connection.vendor.value,
                )
            new["state"] = mapping.SUSPENDED_USER if change.suspended else mapping.ACTIVE_USER
        await self.client.replace_user(user_id, new)
        fresh, bindings = await asyncio.gather(
            self.client.user(user_id), self.client.role_bindings()
        )
        role = mapping.user_role(user_id, bindings)
        return self._map(mapping.member, self.account_id, fresh, role)


def _without(exc: UpstreamError, secrets: Sequence[str]) -> UpstreamError:
    """The vendor's error with every given secret (and its decoded text) cut out: a
    hostile or careless vendor may quote a request body back."""
    message = exc.message
    for secret in secrets:
        for form in (secret, _decoded(secret)):
            if form and len(form) >= 4:
                message = message.replace(form, REDACTED)
    return UpstreamError(
        exc.code,
        message,
        connection=exc.connection or "",
        vendor=exc.vendor or "astra",
        upstream_status=exc.upstream_status,
        vendor_code=exc.vendor_code,
        upstream_request_id=exc.upstream_request_id,
        retryable=exc.retryable,
        retry_after=exc.retry_after,
    )


def _decoded(value: str) -> str | None:
    try:
        return base64.b64decode(value, validate=True).decode("utf-8").strip() or None
    except (binascii.Error, ValueError):
        return None
