"""The toys' quality: VEEGAN's protocol for the ring of 8 Gaussians.

Modes covered (of 8) and the high-quality rate (samples within 3 sigma of a mode) over 2,500
points. (The 1010 toy scores itself: its ``evaluate()`` gives the ``pattern_error``.)
"""
from __future__ import annotations

from ..models.ring import ring_metrics

RING_N = 2_500        # VEEGAN's protocol


def ring_coverage(model, n: int = RING_N, seed: int = 0) -> dict[str, float]:
    """Modes covered (of 8) and high-quality rate (within 3 sigma of a mode) over ``n`` samples."""
    return ring_metrics(model.points(n, seed=seed))
