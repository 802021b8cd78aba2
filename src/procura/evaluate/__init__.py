"""Scoring a lead export and a linkage against a synthetic dataset's truth file."""

from procura.evaluate.leads import EvaluationInputError
from procura.evaluate.service import Evaluation, evaluate

__all__ = ["Evaluation", "EvaluationInputError", "evaluate"]
