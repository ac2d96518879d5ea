"""A hand-labelled held-out claim set for ``derive verify``, with its own mpmath referee.

Nothing in this package imports ``derive``: the claims, their labels, their
witnesses and their evaluators were written by hand from the textbooks, not
from the verifier's code.  See :mod:`tests.heldout.claims` (the rows) and
:mod:`tests.heldout.labels` (the independent label check at 50 digits).
"""
