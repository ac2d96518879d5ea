"""The proof catalogue: one module per topic of the source text.

Each module opens with a structured header (title, seed section, main
statements, notation, implementation notes, references) and defines
:class:`derive.catalogue.Proof` subclasses; defining one registers it.
"""
