"""Keep pytest's ``--doctest-glob=*.md`` away from the notes: they are data, not doctests.

``binary.md`` is not UTF-8 on purpose and would break collection; the other notes
hold no examples.  The Python modules of this folder are still collected.
"""
collect_ignore_glob = ["*.md"]
