import pytest


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite the golden files under fixtures/ from the current output (then review the diff)")


@pytest.fixture
def update_goldens(request):
    return request.config.getoption("--update-goldens")
