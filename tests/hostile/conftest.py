"""The hostile world as a fixture, and the crawl's figures at the end of the run."""

import pytest

from tests.conftest import frozen_today
from tests.hostile.checks import FIGURES_KEY
from tests.hostile.world import TODAY, build_hostile_world
from tests.test_access_matrix import objects  # noqa: F401  (the matrix's objects, reused)


@pytest.fixture
def frozen():
    with frozen_today(TODAY):
        yield TODAY


@pytest.fixture
def hostile_world(frozen, world, objects):  # noqa: F811
    return build_hostile_world(world, objects)


def pytest_terminal_summary(terminalreporter, config):
    for title, figures in config.stash.get(FIGURES_KEY, []):
        terminalreporter.section(f"hostile-data crawl: {title}")
        for key, value in figures.items():
            terminalreporter.write_line(f"{key}: {value}")
