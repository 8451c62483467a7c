"""Install the repository's top-level packages under one `souq` namespace.

The repository keeps its layout (engine/, db/, mm/, tui/, cli/, themes/, gateway/ at the top,
as the architecture describes), but an installed souq must not put packages with such
common names into site-packages, where they would collide with any other distribution
using them. Each is mapped to `souq.<name>` (`souq.engine`, `souq.mm.desk` ...), and
`souq` itself is a namespace package, so the installation adds exactly one top-level
name. Everything else about the project is in pyproject.toml.
"""
from setuptools import find_packages, setup

TOP = ("engine", "db", "mm", "tui", "cli", "themes", "gateway")

packages = sorted(f"souq.{p}" for p in find_packages(include=[f"{t}*" for t in TOP]))
setup(packages=packages,
      package_dir={f"souq.{t}": t for t in TOP},
      package_data={"souq.tui": ["*.tcss"], "souq.themes": ["*.tcss", "*.json", "*.toml"]})
