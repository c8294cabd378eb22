"""Demo data generator: a believable city commercial bank's master data, risk signals and
inspection bundles (with photos), including the problems supervisors hunt for.

No Qt here: the importer and the command line call :func:`write_demo_files` and
:func:`iter_demo_bundles`.
"""

from data.demo.bundles import DemoBundle
from data.demo.generator import (
    DEFAULT_SEED,
    DemoSummary,
    demo_summary,
    iter_demo_bundles,
    write_demo_files,
)
from data.demo.plan import PlantedProblem, Problem
from data.demo.scales import SCALES

__all__ = [
    "DEFAULT_SEED",
    "SCALES",
    "DemoBundle",
    "DemoSummary",
    "PlantedProblem",
    "Problem",
    "demo_summary",
    "iter_demo_bundles",
    "write_demo_files",
]
