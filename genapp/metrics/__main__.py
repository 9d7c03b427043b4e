"""``python -m genapp.metrics``: train a judge or print a model's metrics (:mod:`genapp.metrics.cli`)."""
import sys

from .cli import main

sys.exit(main())
