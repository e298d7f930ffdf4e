"""evalkit: quality evaluation and CI gating for machine-translated Chinese arXiv digests.

The pipeline is ``parse -> align -> checks/metrics -> aggregate -> report/gate``; each stage is a
subpackage. Importing :mod:`evalkit` is cheap: heavy stacks (torch, COMET, datasets) are imported
only inside the functions that need them.
"""

__version__ = "0.1.0"
