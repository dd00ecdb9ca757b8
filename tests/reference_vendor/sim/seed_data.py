"""The reference simulator's demo data: one organization, its token and five databases."""

from __future__ import annotations

ORG_ID = "org-acme"
DEMO_TOKEN = "ref-demo-token-5f1c2a9b"

#: account name -> the configuration values a connection logs in with
DEMO_ACCOUNTS: dict[str, dict[str, str]] = {"demo": {"token": DEMO_TOKEN}}

ORGANIZATION = {"id": ORG_ID, "name": "Acme Reference", "created_at": "2026-01-05T09:00:00Z"}

#: (id, name, state): one database in each documented state
DATABASES = (
    ("db-1", "orders", "running"),
    ("db-2", "billing", "stopped"),
    ("db-3", "search", "starting"),
    ("db-4", "archive", "stopping"),
    ("db-5", "scratch", "failed"),
)
