"""Sample data for the DBaaS simulator, in the spirit of the vendor's ``make reset_data``.

The seed's curl examples log in as ``admin:123456`` and list 6 databases and 10
credentials; database 1 is ``my_first_database`` with credentials 1 and 7. Everything else
here is invented but fixed, so IDs, names and passwords are the same on every run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapters.dbaas.sim.simulator import DBaaSSimulator

# The account every curl example in the seed uses.
DEMO_ACCOUNTS: dict[str, dict[str, str]] = {
    "admin": {"username": "admin", "password": "123456"},
}

# Stage values per the vendor notes; provisioner codes are this simulator's choice.
STAGE_DEV, STAGE_PROD = 1, 2
PROVISIONER_CLOUDSTACK, PROVISIONER_KUBERNETES = 1, 2


def seed(sim: DBaaSSimulator) -> None:
    """Fill ``sim`` with 2 environments, 4 plans, 2 projects, 6 databases, 10 credentials."""
    dev = sim.add_environment("dev", stage=STAGE_DEV, provisioner=PROVISIONER_KUBERNETES)
    prod = sim.add_environment("prod", stage=STAGE_PROD, provisioner=PROVISIONER_CLOUDSTACK)

    mongo = sim.add_plan(
        "mongodb_small",
        engine="mongodb",
        environments=[dev["id"], prod["id"]],
        description="MongoDB single instance, 1 GB",
    )
    mysql = sim.add_plan(
        "mysql_ha",
        engine="mysql",
        environments=[dev["id"], prod["id"]],
        description="MySQL with one replica, 10 GB",
    )
    redis = sim.add_plan(
        "redis_cache",
        engine="redis",
        environments=[dev["id"]],
        description="Redis without persistence, 1 GB",
    )
    # An inactive plan no database uses: clients must not offer it for new databases.
    sim.add_plan(
        "mongodb_legacy",
        engine="mongodb",
        environments=[prod["id"]],
        description="Retired MongoDB 3.x plan",
        is_active=False,
    )

    checkout = sim.add_project("checkout")
    analytics = sim.add_project("analytics")

    # Database 1 matches the seed's list example field for field (no extra fields).
    sim.add_database(
        "my_first_database",
        plan=mongo["id"],
        environment=dev["id"],
        used_size_in_bytes=17064,
        password="26WcA33q6F",
    )
    # Databases 2-5 carry some of the optional fields a real server may add.
    sim.add_database(
        "orders",
        plan=mysql["id"],
        environment=prod["id"],
        project=checkout["id"],
        total_size_in_bytes=10_737_418_240,
        used_size_in_bytes=2_254_857_830,
        password="Qm7tLx2pVa",
        extra={
            "status": 1,
            "description": "Checkout orders",
            "engine": "mysql 8.0",
            "created_at": "2023-11-02T14:05:09Z",
            "team": "payments",
            "is_locked": False,
        },
    )
    sim.add_database(
        "session_cache",
        plan=redis["id"],
        environment=dev["id"],
        project=checkout["id"],
        total_size_in_bytes=1_073_741_824,
        used_size_in_bytes=52_428_800,
        password="Hs4kW9ePzr",
        extra={"status": 1, "engine": "redis 6.2"},
    )
    sim.add_database(
        "events",
        plan=mongo["id"],
        environment=prod["id"],
        project=analytics["id"],
        total_size_in_bytes=1_073_741_824,
        used_size_in_bytes=1_020_054_732,
        password="Bv8nR3qTcJ",
        extra={"status": 3, "description": "Clickstream events", "is_locked": True},
    )
    sim.add_database(
        "reporting",
        plan=mysql["id"],
        environment=dev["id"],
        project=analytics["id"],
        total_size_in_bytes=10_737_418_240,
        used_size_in_bytes=0,
        password="Xc2jN6yHfd",
        extra={"status": 2, "created_at": "2024-06-18T08:00:00Z", "team": "bi"},
    )
    # Database 6 is already quarantined: the next DELETE on it removes it for good.
    sim.add_database(
        "legacy_catalog",
        plan=mongo["id"],
        environment=dev["id"],
        quarantine_dt="2024-02-29T18:45:12Z",
        used_size_in_bytes=8192,
        password="Lp5sD8wKem",
        extra={"status": 0},
    )

    sim.add_credential(1, "u_readonly", password="w9RXg222wK")
    sim.add_credential(2, "u_orders_app", password="PReduz6QtA")
    sim.add_credential(4, "u_etl", password="Ty3mE7hZuq")
    sim.add_credential(5, "u_bi_reader", password="Gk6rP2vNxs")
