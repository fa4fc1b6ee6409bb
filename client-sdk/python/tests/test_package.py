"""The tests run against the built wheel, and the package is what its metadata says."""

from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path

import porthole

SDK = Path(__file__).resolve().parents[1]


def test_the_installed_package_is_tested_not_the_source_tree() -> None:
    installed = Path(porthole.__file__).resolve()
    if os.environ.get("PORTHOLE_SDK_FROM_WHEEL") == "1":  # set by scripts/test.sh
        assert "site-packages" in installed.parts, installed
        assert SDK / "src" not in installed.parents
    assert (installed.parent / "py.typed").exists()
    assert (installed.parent / "v1" / "conversation_pb2.pyi").exists()


def test_version_matches_the_metadata() -> None:
    assert importlib.metadata.version("porthole-client") == porthole.__version__


def test_every_public_item_has_a_docstring() -> None:
    import dataclasses
    import inspect

    missing = []
    for name in porthole.__all__:
        item = getattr(porthole, name)
        if inspect.isclass(item):
            if not item.__doc__:
                missing.append(name)
            for attr, member in vars(item).items():
                if attr.startswith("_") and attr not in ("__init__", "__iter__", "__next__", "__aiter__", "__anext__"):
                    continue
                if attr == "__init__" and dataclasses.is_dataclass(item):
                    continue  # generated; the class docstring lists the fields
                target = member.fget if isinstance(member, property) else member
                if callable(target) and not getattr(target, "__doc__", None):
                    missing.append(f"{name}.{attr}")
        elif inspect.isfunction(item) and not item.__doc__:
            missing.append(name)
    assert missing == []
