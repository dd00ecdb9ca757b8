"""``@record``: frozen to mypy, equal and hashed as a frozen dataclass, built plainly."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from adapters import model
from adapters.frozen import record
from adapters.model import BackupRecord, BackupStatus, ConnectionInfo

ROOT = Path(__file__).resolve().parents[1]
CONN = ConnectionInfo(name="ch", vendor="clickhouse", base_url="http://ch")


def backup(**changes: object) -> BackupRecord:
    fields: dict[str, object] = {
        "connection": CONN,
        "key": ("o", "s", "b"),
        "native_id": "b",
        "database_key": ("o", "s"),
        "status": BackupStatus.COMPLETED,
        "vendor_status": "done",
        "raw": {"id": "b"},
    }
    fields.update(changes)
    return BackupRecord(**fields)  # type: ignore[arg-type]


def test_equality_and_hash_are_a_frozen_dataclass_s() -> None:
    assert hash(backup()) == hash(backup(raw={"other": "body"}))  # raw is not compared
    assert backup() == backup(raw={"other": "body"})
    assert backup() != backup(native_id="c")
    assert len({backup(), backup(raw={}), backup(native_id="c")}) == 2
    assert dataclasses.replace(backup(), native_id="c").native_id == "c"
    # the same hash a frozen dataclass with the same compared fields gives
    ours = record(type("Ours", (), {"__annotations__": {"a": "int"}}))
    theirs = dataclasses.dataclass(frozen=True)(
        type("Theirs", (), {"__annotations__": {"a": "int"}})
    )
    assert hash(ours(a=3)) == hash(theirs(a=3))  # type: ignore[call-arg]


def test_every_record_of_the_model_is_hashable_and_compares_by_value() -> None:
    records = [
        value
        for value in vars(model).values()
        if isinstance(value, type) and dataclasses.is_dataclass(value)
    ]
    assert BackupRecord in records
    for cls in records:
        assert cls.__hash__ is not None, cls  # type: ignore[comparison-overlap]
        assert cls.__dataclass_params__.eq, cls  # type: ignore[attr-defined]


def test_mypy_refuses_writing_a_field(tmp_path: Path) -> None:
    """What keeps a record a value: the type checker, which CI runs, refuses a write.
    In a process of its own: mypy raises the recursion limit of the process it runs in."""
    source = tmp_path / "writes.py"
    source.write_text(
        textwrap.dedent(
            """\
            import dataclasses
            from adapters.frozen import record

            @record
            class R:
                native_id: str

            r = R(native_id="b")
            r2 = dataclasses.replace(r, native_id="c")
            object.__setattr__(r, "native_id", "d")
            r.native_id = "e"
            """
        )
    )
    command = [sys.executable, "-m", "mypy", "--no-incremental", "--config-file="]
    checked = subprocess.run(
        [*command, "--follow-imports=silent", "--python-version=3.11", str(source)],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(ROOT)},
        timeout=120,
    )
    errors = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, checked.stdout
    assert errors[0].startswith(f"{source}:11:") and "read-only" in errors[0], errors
