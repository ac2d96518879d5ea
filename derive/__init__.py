"""derive: derive the mathematics of deep-learning textbooks, and prove or refute it."""
from .functions import elu, leaky_relu, relu, sigmoid, softplus
from .rules import RULES, MissingRule, derivative

__all__ = ["sigmoid", "relu", "leaky_relu", "elu", "softplus", "RULES", "MissingRule", "derivative"]
