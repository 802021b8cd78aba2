"""Synthetic datasets in the data standard, with planted ground truth for every model."""

from procura.synth.dataset import DEFAULT_AS_OF, DEFAULT_PROVINCE, Dataset, build, generate, write

__all__ = ["DEFAULT_AS_OF", "DEFAULT_PROVINCE", "Dataset", "build", "generate", "write"]
