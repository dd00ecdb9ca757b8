"""Typed vendor parts of the normalized types, one module per vendor.

``Database.clickhouse``, ``Organization.featurebase``, ... are built from a record's
``details`` and are null for records of other vendors. Each module imports the schema's
shared modules and ``Plan`` (``schema.plans``), never ``schema.nodes``, which imports them.
"""
