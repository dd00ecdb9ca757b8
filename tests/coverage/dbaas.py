"""The DBaaS API: every operation of the seed (``shared/seeds/dbaas-api.txt``) and of the
vendor notes (plans, environments read-only; projects full CRUD)."""

from __future__ import annotations

from tests.coverage import n, v

OPERATIONS = (
    n("POST", "/api/database/", "create database", "Mutation.createDatabase"),
    n("GET", "/api/database/", "list databases", "Query.databases", "Organization.databases"),
    n("GET", "/api/database/{id}/", "database", "Query.database"),
    n("PATCH", "/api/database/{id}/", "update database", "Mutation.updateDatabase"),
    n("DELETE", "/api/database/{id}/", "quarantine / delete", "Mutation.deleteDatabase"),
    n("GET", "/api/credential/", "list credentials", "Database.credentials"),
    n("GET", "/api/credential/{id}/", "credential with password", "DatabaseCredential.password"),
    v("POST", "/api/credential/", "create credential", "Mutation.createDBaaSCredential"),
    v("DELETE", "/api/credential/{id}/", "delete credential", "Mutation.deleteDBaaSCredential"),
    n(
        "POST",
        "/api/credential/{id}/reset_password/",
        "reset password",
        "Mutation.resetDatabasePassword",
    ),
    n("GET", "/api/plan/", "list plans", "Organization.plans"),
    n("GET", "/api/plan/{id}/", "plan", "Query.node", "DBaaSDatabase.plan"),
    v(
        "GET",
        "/api/environment/",
        "list environments",
        "DBaaSDatabase.environment",
        "DBaaSOrganization.environments",
    ),
    v("GET", "/api/environment/{id}/", "environment", "DBaaSDatabase.environment"),
    v(
        "GET",
        "/api/project/",
        "list projects",
        "DBaaSDatabase.project",
        "DBaaSOrganization.projects",
    ),
    v("GET", "/api/project/{id}/", "project", "DBaaSDatabase.project"),
    v("POST", "/api/project/", "create project", "Mutation.writeDBaaSProject"),
    v("PATCH", "/api/project/{id}/", "update project", "Mutation.writeDBaaSProject"),
    v("DELETE", "/api/project/{id}/", "delete project", "Mutation.deleteDBaaSProject"),
)
