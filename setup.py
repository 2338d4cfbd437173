"""The package's build step beyond pyproject.toml: bring YASGUI for the query page (kg/web/vendor.py)."""

import importlib.util
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def _vendor_yasgui():
    # Loaded by path: kg's dependencies are not installed while it is being built.
    spec = importlib.util.spec_from_file_location("kg_vendor", Path(__file__).parent / "kg" / "web" / "vendor.py")
    vendor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(vendor)
    try:
        vendor.vendor_yasgui()
    except (RuntimeError, OSError) as error:
        # The rest of kg works without it; the query page says how to bring it.
        print(f"warning: {error}", file=sys.stderr)


class BuildPyWithYasgui(build_py):
    def run(self):
        _vendor_yasgui()
        super().run()


setup(cmdclass={"build_py": BuildPyWithYasgui})
