"""Fixtures for the reporter tests; the data and helpers live in report_fixtures.py."""
import pytest

from analyzer.findings import ScanResult
from report_fixtures import build, write_tree


@pytest.fixture
def tree(tmp_path):
    write_tree(tmp_path)
    return tmp_path


@pytest.fixture
def scan(tree) -> ScanResult:
    return build(str(tree))
