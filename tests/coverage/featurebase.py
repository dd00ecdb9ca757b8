"""FeatureBase Cloud: every operation of the seed (``shared/seeds/featurebase-cloud-api.txt``;
paths it names without a curl line are its resource paths, as the adapter reads them)."""

from __future__ import annotations

from tests.coverage import i, n, v, x

DB = "/v2/databases/{database_id}"
QUERY_HOST = (
    "chosen not to: a data-plane query (query.featurebase.com) that also writes (SQL3 "
    "INSERT, DELETE, DROP; PQL Set, Clear, Store), which the gateway cannot prove read-only "
    "without parsing the query language, and whose answers are table rows the "
    "control-plane model has no typed place for"
)

OPERATIONS = (
    i("POST", "https://id.featurebase.com", "log in", "a login connection's token (auth.py)"),
    x(
        "POST",
        "/v1/deployments/",
        "v1 deployments",
        "the seed shows it only inside its authentication example, with no body and no "
        "answer; GET /v2/databases (Query.databases) is the documented list",
    ),
    n("POST", "/v2/databases", "create database", "Mutation.createDatabase"),
    n("GET", "/v2/databases", "list databases", "Query.databases", "Organization.databases"),
    n("GET", DB, "database", "Query.database"),
    n("PATCH", DB, "update database", "Mutation.updateDatabase"),
    n("DELETE", DB, "delete database", "Mutation.deleteDatabase"),
    n("GET", DB + "/backups", "list backups", "Database.backups"),
    n("PUT", DB + "/action/stop", "stop", "Mutation.stopDatabase"),
    n("PUT", DB + "/action/start", "start", "Mutation.startDatabase"),
    x("POST", "", "SQL query (query host)", QUERY_HOST),
    x("POST", "", "PQL query (query host)", QUERY_HOST),
    v(
        "GET",
        "/databases/{database_id}/metrics",
        "metrics (query host)",
        "FeatureBaseDatabase.metrics",
    ),
    n("POST", "/v2/invites", "invite", "Mutation.inviteMember"),
    n(
        "GET",
        "/v2/invites",
        "list invites",
        "Organization.invitations",
        "FeatureBaseOrganization.acceptedInvitations",
    ),
    n("GET", "/v2/invites/{inviteId}", "invite", "Query.node"),
    v("PATCH", "/v2/invites/{inviteId}", "update invite", "Mutation.acceptFeatureBaseInvitation"),
    v("POST", "/v2/users", "create user", "Mutation.createFeatureBaseUser"),
    n("GET", "/v2/users", "list users", "Organization.members"),
    i("GET", "/v2/users/current", "current user", "the default owner of a new API key"),
    v("PATCH", "/v2/users/{id}", "update user", "Mutation.updateFeatureBaseUser"),
    n("GET", "/v2/users/{id}", "user", "Query.node"),
    n("POST", "/v2/users/{id}/roles", "add roles", "Mutation.updateMemberRole"),
    n("POST", "/v2/users/{id}/keys", "create key", "Mutation.createApiKey"),
    v("GET", "/v2/users/{id}/keys", "list a user's keys", "FeatureBaseMember.apiKeys"),
    n(
        "PATCH",
        "/v2/users/{userId}/keys/{keyId}",
        "update key",
        "Mutation.updateApiKey",
        "Mutation.revokeApiKey",
    ),
    n("GET", "/v2/users/{userId}/keys/{keyId}", "key", "Query.node"),
    x(
        "",
        "",
        "move a user to another org",
        "the seed gives its body ({invite_id}) and answer (the user) but no method or path; "
        "a write to a guessed URL is not sent",
    ),
    n("GET", "/v2/orgs/{orgId}/keys", "list org keys", "Organization.apiKeys"),
    n("GET", "/v2/orgs/{id}", "org", "Query.organizations", "Organization.featurebase"),
    n("PATCH", "/v2/orgs/{id}", "update org", "Mutation.updateOrganization"),
    n("GET", "/v2/shapes", "list shapes", "Organization.plans"),
    n("GET", "/v2/shapes/{shapename}", "shape", "Query.node"),
    v("POST", "/v2/roles", "create role", "Mutation.createFeatureBaseRole"),
    v("GET", "/v2/roles", "list roles", "FeatureBaseOrganization.roles"),
    v("GET", "/v2/roles/{roleName}", "role", "FeatureBaseOrganization.role"),
    v("PATCH", "/v2/roles/{roleName}", "update role", "Mutation.updateFeatureBaseRole"),
    v("DELETE", "/v2/roles/{roleName}", "delete role", "Mutation.deleteFeatureBaseRole"),
)
