"""The 2-D GAN playground: tiny G and D learning a distribution on the plane, as in GAN Lab
(Kahng et al., IEEE VIS 2018), with the loss variants and mode-collapse remedies of the surveys.

targets.py  the distributions (ring of 8, 5 x 5 grid, moons, spiral, line, drawn points)
nets.py     the MLPs (D with spectral norm, PacGAN packing, minibatch std)
game.py     Settings and Playground: D and G updates, unrolled look-ahead, what the tab draws
optim.py    Adam and SGD, written out (the look-ahead differentiates through D's next steps)
metrics.py  modes covered, high-quality share, JS divergence
"""
from .game import LOSSES, NOISES, REMEDIES, Playground, Settings
from .optim import OPTIMIZERS  # noqa: F401
from .targets import NAMES as TARGETS  # noqa: F401
