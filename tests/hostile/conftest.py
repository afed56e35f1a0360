"""The hostile world as a fixture, and the crawl's figures at the end of the run."""

import pytest

from tests.conftest import frozen_today
from tests.hostile.world import TODAY, build_hostile_world
from tests.test_access_matrix import objects  # noqa: F401  (the matrix's objects, reused)

FIGURES_KEY = pytest.StashKey[list]()


@pytest.fixture
def frozen():
    with frozen_today(TODAY):
        yield TODAY


@pytest.fixture
def hostile_world(frozen, world, objects):  # noqa: F811
    return build_hostile_world(world, objects)


@pytest.fixture
def crawl_figures(request):
    """A test puts its figures here; they are printed in the terminal summary."""
    figures = request.config.stash.setdefault(FIGURES_KEY, [])
    return figures


def pytest_terminal_summary(terminalreporter, config):
    for title, figures in config.stash.get(FIGURES_KEY, []):
        terminalreporter.section(f"hostile-data crawl: {title}")
        for key, value in figures.items():
            terminalreporter.write_line(f"{key}: {value}")
