"""The audit's test notes and their hand-made keys (see :mod:`notes.keys`)."""
