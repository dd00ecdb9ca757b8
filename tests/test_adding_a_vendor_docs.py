"""docs/adding-a-vendor.md names the contracts the code enforces, and only those.

Each table of the page is read back and compared with the code it describes: the folder's
files with every built-in vendor's folder, the spec's fields with ``VendorSpec``, the
declarations with their dataclasses, the simulator's options and attributes with the
constants the contract suite checks, the seeder with ``VendorSeeder``, the contract table
with the suite's files. Every path the page names exists.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from adapters.minimums import UpstreamMinimums
from adapters.registry import BUILTIN, builtin_names
from adapters.simulation.scale import VendorSeeder
from adapters.upstream.scrub import CREDENTIAL_HEADERS
from adapters.vendor_documents import (
    DocumentedErrors,
    DocumentedPaths,
    ErrorExample,
    WriteExample,
)
from adapters.vendor_spec import SIMULATOR_ATTRIBUTES, SIMULATOR_OPTIONS, ConfigField, VendorSpec

ROOT = Path(__file__).parents[1]
PAGE = (ROOT / "docs" / "adding-a-vendor.md").read_text(encoding="utf-8")
DECLARATIONS = (DocumentedPaths, DocumentedErrors, ErrorExample, UpstreamMinimums, WriteExample)


def section(title: str) -> str:
    """The text of the ``## <title>`` section."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", PAGE, re.MULTILINE | re.DOTALL)
    assert match is not None, f"docs/adding-a-vendor.md has no section '{title}'"
    return match.group(1)


def rows(text: str, after: str) -> list[list[str]]:
    """The cells of the first table after the line starting with ``after``."""
    lines = text[text.index(after) :].splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("|"))
    table = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        table.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return table


def names(column: list[str]) -> list[str]:
    return [cell.strip("`") for cell in column]


def fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


@pytest.mark.parametrize("vendor", builtin_names())
def test_every_file_the_folder_table_names_is_in_every_vendors_folder(vendor: str) -> None:
    files = names([row[0] for row in rows(section("1. The folder"), "| file |")])
    folder = ROOT / "adapters" / vendor

    assert files and [f for f in files if not (folder / f).is_file()] == []


def test_the_reference_vendor_is_written_like_a_vendor_folder() -> None:
    files = names([row[0] for row in rows(section("1. The folder"), "| file |")])

    assert [f for f in files if not (ROOT / "tests" / "reference_vendor" / f).is_file()] == []


def test_the_spec_table_is_every_field_of_vendor_spec() -> None:
    documented = names([row[0] for row in rows(section("2. The spec"), "| field |")])

    assert sorted(documented) == sorted(fields(VendorSpec))
    assert len(documented) == len(set(documented))


def test_every_config_field_option_is_explained() -> None:
    text = section("2. The spec")
    paragraph = text[text.index("A `ConfigField` is") :].split("\n\n")[0]

    assert [f for f in fields(ConfigField) if f"`{f}`" not in paragraph] == []


def test_the_declarations_table_is_every_field_of_every_declaration() -> None:
    table = rows(section("3. What the documents say (`documents.py`)"), "| declaration |")
    documented = {(row[0].strip("`"), row[1].strip("`")) for row in table}

    assert documented == {(cls.__name__, f) for cls in DECLARATIONS for f in fields(cls)}
    # and the spec carries them (annotations are text: ``from __future__ import annotations``)
    carried = {f.name: str(f.type) for f in dataclasses.fields(VendorSpec)}
    assert carried["paths"] == "DocumentedPaths"
    assert carried["errors"] == "DocumentedErrors"
    assert carried["minimums"] == "UpstreamMinimums"
    assert carried["write_example"] == "WriteExample | None"


def test_the_simulator_tables_are_what_the_contract_suite_checks() -> None:
    text = section("4. The simulator")
    options = names([row[0] for row in rows(text, "| option |")])
    attributes = {row[0].strip("`"): row[1] for row in rows(text, "| attribute |")}

    assert options == list(SIMULATOR_OPTIONS)
    assert attributes == dict(SIMULATOR_ATTRIBUTES)


def test_the_seeder_table_is_the_vendor_seeder_protocol() -> None:
    documented = names([row[0] for row in rows(section("5. Scale seeding"), "| name |")])
    protocol = {n for n in vars(VendorSeeder) if not n.startswith("_")}
    protocol |= set(VendorSeeder.__annotations__)

    assert sorted(documented) == sorted(protocol)


def test_the_registry_line_has_the_shape_of_every_line() -> None:
    text = section("6. The registry line")

    assert '"<vendor>": "adapters.<vendor>.spec",' in text
    assert all(module == f"adapters.{name}.spec" for name, module in BUILTIN.items())


def test_the_contract_table_is_the_contract_suite() -> None:
    documented = names([row[0] for row in rows(section("8. Run the contract suite"), "| file |")])
    suite = sorted(p.name for p in (ROOT / "tests" / "contract").glob("test_*.py"))

    assert sorted(documented) == suite


def test_every_path_the_page_names_exists() -> None:
    paths = set(re.findall(r"`((?:adapters|tests|docs|schema|gateway)/[\w./-]+)`", PAGE))
    concrete = {p for p in paths if "<" not in p and "*" not in p}

    assert concrete and sorted(p for p in concrete if not (ROOT / p).exists()) == []


def test_the_credential_headers_named_are_the_ones_the_scrubber_learns_from() -> None:
    text = section("2. The spec")
    paragraph = text[text.index("- the scrubbing removes") :].split("\n- ")[0]
    named = re.findall(r"`([A-Za-z]+(?:-[A-Za-z]+)*)`", paragraph)  # header names only

    assert sorted(n.lower() for n in named) == sorted(CREDENTIAL_HEADERS)


def test_the_regeneration_commands_are_the_ones_the_sdl_test_names() -> None:
    sdl_test = (ROOT / "tests" / "test_schema_sdl.py").read_text(encoding="utf-8")
    commands = re.findall(r"^(dbaas-gateway schema.*)$", section("What changes by itself"), re.M)

    assert commands and all(command in sdl_test for command in commands)
