"""NetApp Astra Control: the seed's operation (``shared/seeds/astra-control-feature-api.txt``,
one: retrieve a feature) and every one of the vendor notes' resource table, all under
``/accounts/{account_id}``."""

from __future__ import annotations

from tests.coverage import n, v

A = "/accounts/{account_id}"

OPERATIONS = (
    n("GET", A, "account", "Query.organizations", "Query.organization"),
    n("PUT", A, "update account", "Mutation.updateOrganization"),
    n(
        "GET",
        A + "/core/v1/users",
        "list users",
        "Organization.members",
        "Organization.invitations",
        "Member.state",
    ),
    n("POST", A + "/core/v1/users", "create user", "Mutation.inviteMember"),
    n("GET", A + "/core/v1/users/{user_id}", "user", "Query.node", "Mutation.cancelInvitation"),
    v("PUT", A + "/core/v1/users/{user_id}", "update user", "Mutation.updateAstraUser"),
    n(
        "DELETE",
        A + "/core/v1/users/{user_id}",
        "delete user",
        "Mutation.removeMember",
        "Mutation.cancelInvitation",
    ),
    n(
        "GET",
        A + "/core/v1/roleBindings",
        "list role bindings",
        "Member.role",
        "AstraOrganization.roleBindings",
    ),
    n("POST", A + "/core/v1/roleBindings", "create role binding", "Mutation.inviteMember"),
    v("GET", A + "/core/v1/roleBindings/{id}", "role binding", "AstraOrganization.roleBinding"),
    n("PUT", A + "/core/v1/roleBindings/{id}", "update role binding", "Mutation.updateMemberRole"),
    v(
        "DELETE",
        A + "/core/v1/roleBindings/{id}",
        "delete role binding",
        "Mutation.deleteAstraRoleBinding",
    ),
    n("GET", A + "/core/v1/users/{user_id}/tokens", "list tokens", "Organization.apiKeys"),
    n("POST", A + "/core/v1/users/{user_id}/tokens", "create token", "Mutation.createApiKey"),
    n("GET", A + "/core/v1/users/{user_id}/tokens/{token_id}", "token", "Query.node"),
    n(
        "PUT",
        A + "/core/v1/users/{user_id}/tokens/{token_id}",
        "update token",
        "Mutation.updateApiKey",
    ),
    n(
        "DELETE",
        A + "/core/v1/users/{user_id}/tokens/{token_id}",
        "delete token",
        "Mutation.revokeApiKey",
    ),
    v("GET", A + "/core/v1/credentials", "list credentials", "AstraOrganization.credentials"),
    v("POST", A + "/core/v1/credentials", "create credential", "Mutation.createAstraCredential"),
    v("GET", A + "/core/v1/credentials/{id}", "credential", "AstraOrganization.credential"),
    n("GET", A + "/core/v1/features", "list features", "Organization.featureFlags"),
    n("GET", A + "/core/v1/features/{feature_id}", "feature", "Query.node"),
    n("GET", A + "/k8s/v2/apps", "list apps", "Query.databases", "Organization.databases"),
    n("POST", A + "/k8s/v2/apps", "manage an app", "Mutation.createDatabase"),
    n("GET", A + "/k8s/v2/apps/{app_id}", "app", "Query.database"),
    n("PUT", A + "/k8s/v2/apps/{app_id}", "update app", "Mutation.updateDatabase"),
    n("DELETE", A + "/k8s/v2/apps/{app_id}", "unmanage app", "Mutation.deleteDatabase"),
    n("GET", A + "/k8s/v1/apps/{app_id}/appBackups", "list backups", "Database.backups"),
    n("POST", A + "/k8s/v1/apps/{app_id}/appBackups", "back up", "Mutation.createBackup"),
    n("GET", A + "/k8s/v1/apps/{app_id}/appBackups/{id}", "backup", "Query.node"),
    n(
        "DELETE",
        A + "/k8s/v1/apps/{app_id}/appBackups/{id}",
        "delete backup",
        "Mutation.deleteBackup",
    ),
    n("GET", A + "/k8s/v1/apps/{app_id}/appSnaps", "list snapshots", "Database.backups"),
    n("POST", A + "/k8s/v1/apps/{app_id}/appSnaps", "snapshot", "Mutation.createBackup"),
    n("GET", A + "/k8s/v1/apps/{app_id}/appSnaps/{id}", "snapshot", "Query.node"),
    n(
        "DELETE",
        A + "/k8s/v1/apps/{app_id}/appSnaps/{id}",
        "delete snapshot",
        "Mutation.deleteBackup",
    ),
)
