"""Numbers: float64 evaluation, seeded sampling, the one checker, and the mpmath referee.

- :mod:`~derive.numeric.evaluate`: :func:`lambdify_numpy` (the one ``lambdify``, its
  modules from the op table), :func:`numpy_function`, compiled graph programs;
- :mod:`~derive.numeric.sampling`: windows over the domains, kink avoidance, :func:`sample_points`;
- :mod:`~derive.numeric.checks`: :class:`Tolerance`, :data:`GRADCHECK`, :class:`Evidence` and
  the checks :func:`check_gradient`, :func:`check_values`, :func:`check_relation`, :func:`check_expectation`;
- :mod:`~derive.numeric.referee`: :func:`mp_value` and :func:`confirm_counterexample` at 30 digits.

>>> import sympy as sp
>>> x = sp.Symbol('x', real=True)
>>> check_gradient(x**3, {x: 3*x**2}, x).passed
True
"""
from .checks import GRADCHECK, Evidence, Tolerance, check_expectation, check_gradient, check_relation, check_values
from .evaluate import CompiledProgram, compile_program, float64_constants, lambdify_numpy, numpy_function
from .referee import MP_DPS, confirm_counterexample, mp_value
from .sampling import sample_points

__all__ = ["Tolerance", "GRADCHECK", "Evidence", "check_gradient", "check_values", "check_relation",
           "check_expectation", "lambdify_numpy", "numpy_function", "float64_constants", "CompiledProgram",
           "compile_program", "MP_DPS", "mp_value", "confirm_counterexample", "sample_points"]
