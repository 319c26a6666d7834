"""A cell or script split into top-level statements, each compiled on its own, with the names each
statement would have bound (so the grader can fold errors that only follow from a failed one)."""
from __future__ import annotations

import ast

SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
          ast.DictComp, ast.GeneratorExp)


class _Binder(ast.NodeVisitor):
    def __init__(self):
        self.names = []

    def add(self, name):
        if name and name not in self.names:
            self.names.append(name)

    def visit_Name(self, node):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.add(node.id)

    def visit_Import(self, node):
        for alias in node.names:
            self.add(alias.asname or alias.name.partition(".")[0])

    def visit_ImportFrom(self, node):
        for alias in node.names:
            if alias.name != "*":
                self.add(alias.asname or alias.name)

    def _scope(self, node):
        self.add(node.name)
        for decorator in node.decorator_list:
            self.visit(decorator)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scope

    def visit_ExceptHandler(self, node):
        self.add(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node):
        self.add(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node):
        self.add(node.name)

    def visit_Global(self, node):
        pass

    def _skip(self, node):
        pass  # names bound inside a lambda or a comprehension stay there

    visit_Lambda = visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _skip


def bound_names(node):
    """The names a top-level statement binds at module level: assignment targets (tuple unpacking,
    augmented, annotated, walrus), imports, def/class names, for/with/except targets, in the order met."""
    binder = _Binder()
    binder.visit(node)
    return binder.names


def statements(filename, source):
    """(first line, one-statement module AST, names it binds) for each top-level statement of ``source``;
    compile each with ``compile(tree, filename, "exec")``, so a statement that does not compile fails alone.
    Raises SyntaxError (or ValueError for NUL bytes) when the source does not parse."""
    tree = ast.parse(source, filename=filename)
    return [(node.lineno, ast.Module(body=[node], type_ignores=[]), bound_names(node)) for node in tree.body]
