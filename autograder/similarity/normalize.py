"""Student code as a stream of normalized tokens (MOSS/JPlag style), with Python's own tokenizer.

Names the student chose become ``N`` and literals ``L``; comments, blank lines and layout are dropped. What a
renamer cannot change stays as written: keywords, operators, builtins, names brought in by ``import``
(``Dense``, ``l2``, ``np``), attribute names (``.fit``, ``.add``) and keyword-argument names
(``kernel_regularizer=``). So renaming variables, editing comments or reformatting changes nothing, while the
shape of the Keras code still counts.
"""
from __future__ import annotations

import builtins
import io
import keyword
import token as tk
import tokenize
from typing import Iterable, Iterator

from autograder.similarity.types import CodeDoc, CodeLine, Token

KEPT_NAMES = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
FSTRING_START = getattr(tk, "FSTRING_START", -1)
FSTRING_END = getattr(tk, "FSTRING_END", -1)
SKIPPED = {tk.COMMENT, tk.NL, tk.NEWLINE, tk.INDENT, tk.DEDENT, tk.ENCODING, tk.ENDMARKER}


def raw_tokens(source: str) -> Iterator[tokenize.TokenInfo]:
    """Python's tokens of ``source``; what follows a tokenizer error (an unclosed string) is dropped."""
    try:
        yield from tokenize.generate_tokens(io.StringIO(source).readline)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return


def imported_names(sources: Iterable[str]) -> frozenset[str]:
    """Every name an ``import`` statement binds or mentions (modules, aliases, imported objects)."""
    return frozenset(name for source in sources for name in _imports_in(list(raw_tokens(source))))


def _imports_in(tokens: list[tokenize.TokenInfo]) -> set[str]:
    names: set[str] = set()
    at_start, in_import = True, False
    for tok in tokens:
        if tok.type in (tk.NEWLINE, tk.INDENT, tk.DEDENT) or (tok.type == tk.OP and tok.string == ";"):
            at_start, in_import = True, False
            continue
        if tok.type in (tk.NL, tk.COMMENT):
            continue
        if at_start and tok.type == tk.NAME and tok.string in ("import", "from"):
            in_import = True
        elif in_import and tok.type == tk.NAME and tok.string not in ("import", "from", "as"):
            names.add(tok.string)
        at_start = False
    return names


def normalize_source(source: str | list[tokenize.TokenInfo], cell: int, kept: frozenset[str]) -> list[Token]:
    """The normalized tokens of one cell (or script), from its text or its Python tokens."""
    out: list[Token] = []
    depth = 0
    previous = ""
    pending: tokenize.TokenInfo | None = None  # a name whose fate depends on the next token (``name=``)

    def emit_name(tok: tokenize.TokenInfo, keep: bool) -> None:
        out.append(Token(tok.string if keep else "N", cell, tok.start[0]))

    fstring_depth = 0  # Python 3.12+ splits f-strings into parts: one ``L`` for the whole
    for tok in (raw_tokens(source) if isinstance(source, str) else source):
        if tok.type in SKIPPED:
            continue
        if tok.type == FSTRING_START:
            fstring_depth += 1
            if fstring_depth == 1:
                out.append(Token("L", cell, tok.start[0], literal=tok.string))
            continue
        if fstring_depth:
            if tok.type == FSTRING_END:
                fstring_depth -= 1
            continue
        if pending is not None:
            keyword_argument = depth > 0 and tok.type == tk.OP and tok.string == "="
            emit_name(pending, keyword_argument)
            pending = None
        if tok.type == tk.NAME:
            name = tok.string
            if name in KEPT_NAMES or name in kept or previous == ".":
                emit_name(tok, True)
            else:
                pending = tok
        elif tok.type in (tk.NUMBER, tk.STRING):
            out.append(Token("L", cell, tok.start[0], literal=tok.string))
        else:
            if tok.type == tk.OP:
                if tok.string in "([{":
                    depth += 1
                elif tok.string in ")]}":
                    depth = max(0, depth - 1)
            out.append(Token(tok.string, cell, tok.start[0]))
        previous = tok.string
    if pending is not None:
        emit_name(pending, False)
    return out


def code_doc(doc_id: str, cells: Iterable[tuple[int, str, str]], kept: frozenset[str] = frozenset()) -> CodeDoc:
    """A submission's code from its cells in order: (cell number, source that ran, source as written).

    ``kept`` adds names to keep as written (the starter notebook's and the reference's imports), besides the
    submission's own imports.
    """
    cells = list(cells)
    raw = [list(raw_tokens(source)) for _, source, _ in cells]  # tokenized once, read twice
    names = kept | frozenset(name for toks in raw for name in _imports_in(toks))
    tokens: list[Token] = []
    lines: list[CodeLine] = []
    for (number, source, original), toks in zip(cells, raw):
        tokens.extend(normalize_source(toks, number, names))
        shown = original if original and original.count("\n") == source.count("\n") else source
        lines.extend(CodeLine(number, i, text) for i, text in enumerate(shown.splitlines(), start=1))
    return CodeDoc(id=doc_id, tokens=tuple(tokens), lines=tuple(lines))
