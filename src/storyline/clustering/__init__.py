"""Story clustering: the online clusterer, the evidence it weighs, and its calibrated parameters."""

from storyline.clustering.blas import one_blas_thread
from storyline.clustering.clusterer import StoryClusterer, StoryItem
from storyline.clustering.params import FEATURES, StoryParams, params_file

__all__ = ["FEATURES", "StoryClusterer", "StoryItem", "StoryParams", "one_blas_thread", "params_file"]
