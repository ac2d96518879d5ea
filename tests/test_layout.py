"""The layout itself: imports point one way, modules stay small, the op table is the one source.

Every ``import`` in ``derive/`` is read with ``ast``, those inside functions
included (a circle hidden in a function-level import still says a concept is
in the wrong home), and the graph of modules must have no cycle.  A package's
``__init__`` re-exporting its own submodules is not a cycle: edges from a
package to its submodules are left out.
"""
import ast
from pathlib import Path

import pytest

import derive
from derive.ops import OPS, network_activations, notation_ops, parser_functions

PACKAGE = Path(derive.__file__).resolve().parent
MAX_LINES = 520  # "about 500 lines"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path) -> set:
    """The derive modules ``name`` imports, anywhere in its file."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            candidates = [target] + [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        for c in candidates:
            if c in MODULES and c != name and not c.startswith(name + "."):
                found.add(c)
    return found


GRAPH = {name: imports_of(name, path) for name, path in MODULES.items()}


def find_cycle():
    state, stack = {}, []

    def visit(n):
        state[n] = "open"
        stack.append(n)
        for m in sorted(GRAPH[n]):
            if state.get(m) == "open":
                return stack[stack.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        state[n] = "done"
        stack.pop()
        return None

    for n in sorted(GRAPH):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


def test_no_import_circle_even_through_function_level_imports():
    cycle = find_cycle()
    assert cycle is None, " -> ".join(cycle)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_is_at_most_about_500_lines(name):
    lines = MODULES[name].read_text().count("\n")
    assert lines <= MAX_LINES, f"{name}: {lines} lines"


def test_the_engine_does_not_import_presentation_at_module_level():
    engine = [n for n in MODULES if n.split(".")[1:2] and n.split(".")[1] in ("ops", "graph", "grad")]
    for name in engine:
        tree = ast.parse(MODULES[name].read_text())
        for node in tree.body:  # module level only
            if isinstance(node, ast.ImportFrom) and node.module and "render" in node.module:
                pytest.fail(f"{name} imports {node.module} at module level")


def test_every_derived_list_comes_from_the_op_table():
    from derive import nets
    from derive.graph import NOTATION_OPS
    assert nets.ACTIVATIONS == network_activations()
    assert NOTATION_OPS == notation_ops()
    assert set(parser_functions()) == {n for op in OPS.values() for n in op.names}
    for name, op in OPS.items():
        assert op.text and op.latex, name


def test_the_readme_s_example_entry_is_the_real_one():
    """The README shows how to add an operation with softsign's entry: every line of it is in the table."""
    readme = (PACKAGE.parent / "README.md").read_text()
    block = readme.split("### Adding an operation", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    source = {line.strip() for line in (PACKAGE / "ops" / "activations.py").read_text().splitlines()}
    for line in block.splitlines():
        code = line.split("  # ")[0].strip()
        if code and not code.startswith(("#", "\"\"\"")):  # docstrings are abridged
            assert code in source, code
