"""The proof catalogue: one module per topic of the source text.

Each module opens with a structured header (title, seed section, main
statements, notation, implementation notes, references) and defines
:class:`derive.catalogue.Proof` subclasses; defining one registers it.

Implementation notes
  ``derive check`` and ``derive report`` run the proofs in workers forked
  after this package is loaded (:func:`derive.workers.run_each`), so a
  module a proof imports on first use would be imported again in every
  worker (0.1–0.2 s each).  They are named
  here for :func:`derive.limits.preload`, which imports them once, before
  the first worker is forked (a run served from the cache forks none and
  pays nothing): the verifier, the certified provers (python-flint), the
  chain rule, the code generator lambdify prints with, and
  ``sympy.physics.units``, which SymPy's ``simplify`` imports on each
  process's first call, and ``numpy.ma``, which ``numpy.median`` imports.
  Importing them earlier changes no result.
"""
from derive.limits import preload

preload("sympy.codegen.ast", "sympy.physics.units", "derive.certify", "derive.grad", "derive.verifier", "numpy.ma")
