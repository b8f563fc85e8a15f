"""pyproject.toml declares what the code imports, with bounds that admit what the tests run on."""

from __future__ import annotations

import ast
import importlib.util
import sys
import tomllib
from functools import cache
from importlib.metadata import distributions, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(r) for r in PROJECT["dependencies"]]
DEV = [Requirement(r) for r in PROJECT["optional-dependencies"]["dev"]]
PRODUCT = ["activities", "api", "cli", "core", "devstack", "engine", "ingest", "ops", "runs"]
PRODUCT += ["providers", "workflows", "worker.py", "starter.py", "migrations"]
DEVELOPMENT = ["tests", "bench", "scripts"]
FIRST_PARTY = {Path(p).stem for p in PRODUCT + DEVELOPMENT}


def sources(roots: list[str]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        path = REPO / root
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [p for p in found if ".venv" not in p.parts]


def imported_modules(roots: list[str]) -> dict[str, str]:
    """Third-party module → a file importing it."""
    modules: dict[str, str] = {}
    for path in sources(roots):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # `from google import genai`: the namespace package has no file, its module has
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in FIRST_PARTY:
                    modules.setdefault(name, str(path.relative_to(REPO)))
    return modules


@cache
def owners() -> dict[Path, str]:
    """Installed file → the distribution that installed it."""
    owned: dict[Path, str] = {}
    for dist in distributions():
        for file in dist.files or []:
            owned[Path(str(dist.locate_file(file))).resolve()] = canonicalize_name(
                dist.metadata["Name"]
            )
    return owned


def distribution_of(name: str) -> str:
    """The distribution providing `name` (a module, or an attribute of a module)."""
    module = name
    while True:
        try:
            spec = importlib.util.find_spec(module)
        except ModuleNotFoundError:
            spec = None
        if spec is not None and spec.origin:
            return owners()[Path(spec.origin).resolve()]
        assert "." in module, f"{name} is not installed"
        module = module.rsplit(".", 1)[0]


def declared(requirements: list[Requirement]) -> set[str]:
    return {canonicalize_name(r.name) for r in requirements}


@pytest.mark.parametrize(
    ("roots", "allowed"),
    [(PRODUCT, declared(RUNTIME)), (DEVELOPMENT, declared(RUNTIME) | declared(DEV))],
    ids=["product", "development"],
)
def test_every_third_party_import_is_declared(roots: list[str], allowed: set[str]) -> None:
    missing = {
        f"{module} ({distribution_of(module)}, imported by {where})"
        for module, where in imported_modules(roots).items()
        if distribution_of(module) not in allowed
    }
    assert missing == set()


@pytest.mark.parametrize("requirement", RUNTIME + DEV, ids=str)
def test_each_requirement_has_a_ceiling_and_admits_the_installed_version(
    requirement: Requirement,
) -> None:
    assert any(spec.operator == "<" for spec in requirement.specifier), "no ceiling"
    assert any(spec.operator == ">=" for spec in requirement.specifier), "no floor"
    assert requirement.specifier.contains(version(requirement.name), prereleases=True)


def test_temporalio_is_pinned_to_the_tested_minor() -> None:
    (temporal,) = [r for r in RUNTIME if r.name == "temporalio"]
    installed = version("temporalio")
    major, minor = (int(part) for part in installed.split(".")[:2])
    assert temporal.specifier.contains(installed)
    assert not temporal.specifier.contains(f"{major}.{minor + 1}.0")
