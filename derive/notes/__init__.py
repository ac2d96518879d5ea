"""Reading notes: Markdown (and, with the audit, LaTeX) study notes, their blocks, prose and formulas."""
