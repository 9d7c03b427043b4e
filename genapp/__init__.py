"""GAN Studio: train and play with the generative models of the course.

    import genapp
    model = genapp.load("mnist-dcgan")
    x = model.generate(16, seed=0)          # (16, 1, 28, 28) in [0, 1]
    x = genapp.steer("mnist-dcgan", 16, seed=0, feature="7", amount=1.0)   # z moved toward a "7"
"""
from .api import PRETRAINED_NAMES, load
from .data import DATASETS
from .models import FAMILIES, build_model
from .steering import features, steer, steer_walk

__all__ = ["load", "build_model", "features", "steer", "steer_walk", "FAMILIES", "DATASETS", "PRETRAINED_NAMES"]
__version__ = "0.1.0"
