"""GAN Studio: train and play with the generative models of the course.

    import genapp
    model = genapp.load("mnist-dcgan")
    x = model.generate(16, seed=0)          # (16, 1, 28, 28) in [0, 1]
"""
from .api import PRETRAINED_NAMES, load
from .data import DATASETS
from .models import FAMILIES, build_model

__all__ = ["load", "build_model", "FAMILIES", "DATASETS", "PRETRAINED_NAMES"]
__version__ = "0.1.0"
