"""Story clustering: the online clusterer, the evidence it weighs, and its calibrated parameters."""

from storyline.clustering.blas import one_blas_thread
from storyline.clustering.clusterer import StoryClusterer
from storyline.clustering.item import ItemKeys, StoryItem, item_keys
from storyline.clustering.params import FEATURES, StoryParams, params_file

__all__ = [
    "FEATURES",
    "ItemKeys",
    "StoryClusterer",
    "StoryItem",
    "StoryParams",
    "item_keys",
    "one_blas_thread",
    "params_file",
]
