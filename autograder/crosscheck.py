"""Cross-check the sandbox's report against the submitted source: refuse a report no honest run could write.

Student code runs in the same process as the hooks that describe its model, so it can write a report of
its own on the results channel. Outside the sandbox this module reads the very code that ran
(``Submission.cells``) with ``ast`` and confirms what the report claims: each reported layer sits on a
line that can construct its class, the arguments the source states as literals agree with the report,
and a model said to be compiled or fitted points at a line that calls ``compile``/``fit``.

It must never fire on honest code: whatever it cannot read for sure (names, expressions, loops, calls
into helpers or libraries, ``exec``, magics it does not know) is accepted, never flagged.
Pure: no Keras import, no I/O.
"""
from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any

from autograder.types import LayerSpec, ModelSpec, ReportMismatch, SourceLocation, Submission

# Every layer class Keras 3 exports (keras.layers), and its aliases (name -> class name).
KERAS_LAYERS = frozenset("""
Activation ActivityRegularization AdaptiveAveragePooling1D AdaptiveAveragePooling2D AdaptiveAveragePooling3D
AdaptiveMaxPooling1D AdaptiveMaxPooling2D AdaptiveMaxPooling3D Add AdditiveAttention AlphaDropout Attention
AugMix AutoContrast Average AveragePooling1D AveragePooling2D AveragePooling3D BatchNormalization CategoryEncoding
CenterCrop Concatenate ContrastLimitedAdaptiveHistogramEqualization Conv1D Conv1DTranspose Conv2D Conv2DTranspose
Conv3D Conv3DTranspose ConvLSTM1D ConvLSTM2D ConvLSTM3D Cropping1D Cropping2D Cropping3D CutMix Dense
DepthwiseConv1D DepthwiseConv2D Discretization Dot Dropout ELU EinsumDense Embedding Equalization Flatten GRU
GaussianDropout GaussianNoise GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D
GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D GroupNormalization GroupedQueryAttention HashedCrossing
Hashing Identity InputLayer IntegerLookup LSTM LayerNormalization LeakyReLU Masking MaxNumBoundingBoxes
MaxPooling1D MaxPooling2D MaxPooling3D Maximum MelSpectrogram Minimum MixUp MultiHeadAttention Multiply
Normalization PReLU Permute RMSNormalization RandAugment RandomBrightness RandomColorDegeneration
RandomColorJitter RandomContrast RandomCrop RandomElasticTransform RandomErasing RandomFlip RandomGaussianBlur
RandomGrayscale RandomHue RandomInvert RandomPerspective RandomPosterization RandomRotation RandomSaturation
RandomSharpness RandomShear RandomTranslation RandomZoom ReLU RepeatVector Rescaling Reshape Resizing
ReversibleEmbedding STFTSpectrogram SeparableConv1D SeparableConv2D SimpleRNN Softmax Solarization
SpatialDropout1D SpatialDropout2D SpatialDropout3D StringLookup Subtract TextVectorization UnitNormalization
UpSampling1D UpSampling2D UpSampling3D ZeroPadding1D ZeroPadding2D ZeroPadding3D
""".split())
KERAS_ALIASES = {
    "AvgPool1D": "AveragePooling1D", "AvgPool2D": "AveragePooling2D", "AvgPool3D": "AveragePooling3D",
    "Convolution1D": "Conv1D", "Convolution1DTranspose": "Conv1DTranspose", "Convolution2D": "Conv2D",
    "Convolution2DTranspose": "Conv2DTranspose", "Convolution3D": "Conv3D", "Convolution3DTranspose": "Conv3DTranspose",
    "GlobalAvgPool1D": "GlobalAveragePooling1D", "GlobalAvgPool2D": "GlobalAveragePooling2D",
    "GlobalAvgPool3D": "GlobalAveragePooling3D", "GlobalMaxPool1D": "GlobalMaxPooling1D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D", "GlobalMaxPool3D": "GlobalMaxPooling3D",
    "GroupQueryAttention": "GroupedQueryAttention", "MaxPool1D": "MaxPooling1D", "MaxPool2D": "MaxPooling2D",
    "MaxPool3D": "MaxPooling3D", "SeparableConvolution1D": "SeparableConv1D",
    "SeparableConvolution2D": "SeparableConv2D",
}
# Calls that never construct a reported layer: anything else (a helper, a library, a model call) might.
NEUTRAL_CALLEES = frozenset("""
print len range list dict tuple set frozenset zip enumerate isinstance issubclass str int float bool round sorted
reversed min max sum abs repr format hasattr append extend insert pop compile fit summary evaluate predict add
Sequential Model Input l1 l2 l1_l2 L1 L2 L1L2 OrthogonalRegularizer Adam SGD RMSprop Adagrad Adadelta Adamax Nadam
AdamW plot_model array asarray zeros ones reshape astype shape
""".split())
# Layers that build other layers from their arguments: a line calling one may create any class.
WRAPPERS = frozenset({"Bidirectional", "TimeDistributed", "RNN", "Wrapper", "Pipeline", "TFSMLayer", "Lambda"})
OPAQUE_CALLEES = frozenset({"exec", "eval", "__import__", "run_line_magic", "run_cell_magic", "run_cell",
                            "system", "getoutput", "import_module", "run_path", "run_module"})
CELL_MAGICS_RUN = ("time", "timeit", "capture", "prun")
ACTIVATIONS = {a: a for a in ("relu sigmoid softmax tanh linear elu selu silu gelu leaky_relu relu6 softplus "
                              "softsign hard_sigmoid exponential mish log_softmax hard_silu").split()}
ACTIVATIONS.update(swish="silu", hard_swish="hard_silu")
TAMPER_ATTRIBUTES = ("units", "activation", "rate", "kernel_regularizer")
MAX_CELL_CHARS = 2_000_000


@dataclass(frozen=True)
class _Binding:
    """What one assignment or import makes a name stand for."""

    kind: str
    """``import`` (from m import N), ``alias`` (X = a.b.N), ``module`` (import m as X) or ``other``."""
    target: str = ""


@dataclass
class _Code:
    """One unit of student code, parsed: which calls cover each line, which lines are opaque."""

    lines: int
    calls: dict[int, list[ast.Call]]
    opaque: set[int]


# -- reading the code ------------------------------------------------------------------------------
def _last_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _literal(node: ast.AST | None) -> tuple[bool, Any]:
    """(True, value) when ``node`` is a plain literal (number, string, None), else (False, None)."""
    if node is None:
        return False, None
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None
    if value is None or isinstance(value, (int, float, str)):
        return True, value
    return False, None


def _magic_body(tree: ast.Module) -> str | None:
    """The body of a ``%%time``-style cell, which the sandbox runs one line below the magic line."""
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if not (isinstance(call, ast.Call) and _last_name(call.func) == "run_cell_magic" and len(call.args) >= 3):
        return None
    known, name = _literal(call.args[0])
    has_body, body = _literal(call.args[2])
    if known and name in CELL_MAGICS_RUN and has_body and isinstance(body, str):
        return body
    return None


def _parse(source: str) -> ast.Module | None:
    if len(source) > MAX_CELL_CHARS:
        return None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    body = _magic_body(tree)
    if body is not None:
        return _parse("\n" + body)
    return tree


def _index(tree: ast.Module, source_lines: int) -> _Code:
    calls: dict[int, list[ast.Call]] = {}
    opaque: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        end = getattr(node, "end_lineno", None) or node.lineno
        span = range(node.lineno, min(end, node.lineno + 10_000) + 1)
        if _last_name(node.func) in OPAQUE_CALLEES:
            opaque.update(span)
        for line in span:
            calls.setdefault(line, []).append(node)
    return _Code(lines=source_lines, calls=calls, opaque=opaque)


class SourceView:
    """The submission's code as the cross-check reads it: parsed cells and the names they bind."""

    def __init__(self, sub: Submission):
        self.kind = sub.kind
        self.filename = sub.filename
        self.units: dict[int, _Code | None] = {}
        self.files: dict[str, _Code | None] = {}
        self.bindings: dict[str, list[_Binding]] = {}
        self.patched: set[str] = set()
        self.tampering = False
        for cell in sub.cells:
            self.units[cell.index] = self._read(cell.source)
        for path, data in sub.files:  # a folder's own modules: the code its cells import
            if path.endswith(".py") and path != sub.filename and len(data) <= MAX_CELL_CHARS:
                self.files[path] = self._read(data.decode("utf-8", "replace"))

    def _read(self, source: str) -> _Code | None:
        tree = _parse(source)
        if tree is None:
            return None  # unreadable here: accept whatever it is said to have made
        body = _magic_body(ast.parse(source)) if "run_cell_magic" in source else None
        text = "\n" + body if body is not None else source
        self._collect(tree)
        return _index(tree, len(text.splitlines()) or 1)

    def _bind(self, name: str, binding: _Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def _collect(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name != "*":
                        self._bind(alias.asname or alias.name, _Binding("import", alias.name))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    self._bind(alias.asname or alias.name.split(".")[0], _Binding("module", alias.name))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._bind(node.name, _Binding("other"))
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                value = node.value
                for target in targets:
                    self._bind_target(target, value if not isinstance(node, ast.AugAssign) else None)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                self._bind_target(node.target, None)
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                self._bind_target(node.optional_vars, None)
            elif isinstance(node, ast.Call) and _last_name(node.func) in ("setattr", "delattr", "exec", "eval",
                                                                           "__setattr__"):
                self.tampering = True
            elif isinstance(node, ast.Attribute) and node.attr == "__dict__":
                self.tampering = True

    def _bind_target(self, target: ast.AST, value: ast.AST | None) -> None:
        if isinstance(target, ast.Name):
            name = _last_name(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
            self._bind(target.id, _Binding("alias", name) if name else _Binding("other"))
        elif isinstance(target, ast.Attribute):
            self.patched.add(target.attr)  # ``layers.Dense = ...`` or ``layer.kernel_regularizer = ...``
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind_target(element, None)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, None)

    # -- names ---------------------------------------------------------------------------------------
    def resolve(self, name: str, depth: int = 0) -> tuple[set[str], bool]:
        """The class names ``name`` may stand for, and whether it is a plain alias of them
        (bound only by imports and ``X = a.b.Name`` assignments, never patched)."""
        bindings = self.bindings.get(name)
        if not bindings:
            return {KERAS_ALIASES.get(name, name)}, name not in self.patched
        found: set[str] = set()
        plain = name not in self.patched
        for b in bindings:
            if b.kind in ("import", "alias") and b.target and depth < 8:
                if b.target == name:
                    found.add(KERAS_ALIASES.get(name, name))
                else:
                    inner, inner_plain = self.resolve(b.target, depth + 1)
                    found |= inner
                    plain = plain and inner_plain
            else:
                plain = False
        return found, plain

    def unit(self, where: SourceLocation) -> tuple[bool, _Code | None]:
        """(exists, parsed code) for the unit a location points at. A file the submission did not
        bring (one its code wrote, then imported) exists but cannot be read here."""
        if where.cell is not None:
            return (self.kind == "notebook" and where.cell in self.units), self.units.get(where.cell)
        if where.file is not None:
            if self.kind == "script" and where.file == self.filename:
                return (0 in self.units), self.units.get(0)
            return True, self.files.get(where.file)
        return False, None


# -- what a call states -----------------------------------------------------------------------------
def _argument(call: ast.Call, position: int | None, *names: str) -> tuple[str, ast.AST | None]:
    """("given", node), ("absent", None) when the source surely leaves it out, or ("unknown", None)."""
    for kw in call.keywords:
        if kw.arg in names:
            return "given", kw.value
    starred = any(isinstance(a, ast.Starred) for a in call.args)
    if position is not None and not starred and len(call.args) > position:
        return "given", call.args[position]
    if starred or any(kw.arg is None for kw in call.keywords):
        return "unknown", None
    return "absent", None


def _regularizer_values(node: ast.AST, view: SourceView) -> tuple[bool, float | None, float | None]:
    """(surely a regularizer, l1, l2) from a ``kernel_regularizer`` argument; None where not stated."""
    known, value = _literal(node)
    if known:
        if value is None:
            return False, None, None
        text = str(value).lower()
        return True, (0.0 if text == "l2" else None), (0.0 if text == "l1" else None)
    if not isinstance(node, ast.Call):
        return False, None, None
    name = _last_name(node.func)
    names, _ = view.resolve(name) if name else (set(), False)
    kinds = {n.lower().replace("_", "") for n in names}
    if len(kinds) != 1 or not kinds & {"l1", "l2", "l1l2"}:
        return False, None, None
    kind = kinds.pop()

    def stated(position, *keys):
        state, arg = _argument(node, position, *keys)
        ok, number = _literal(arg) if state == "given" else (False, None)
        return float(number) if ok and isinstance(number, (int, float)) and not isinstance(number, bool) else None

    if kind == "l2":
        return True, 0.0, stated(0, "l2", "l")
    if kind == "l1":
        return True, stated(0, "l1", "l"), 0.0
    return True, stated(0, "l1"), stated(1, "l2")


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-12)


def _disagreement(call: ast.Call, layer: LayerSpec, view: SourceView) -> tuple[str, str, str] | None:
    """(field, reported, stated) for the first literal argument of ``call`` the report contradicts."""
    if view.tampering:
        return None
    free = lambda attribute: attribute not in view.patched  # noqa: E731
    cls = layer.class_name
    if cls == "Dense":
        state, node = _argument(call, 0, "units")
        ok, units = _literal(node) if state == "given" else (False, None)
        if ok and isinstance(units, int) and not isinstance(units, bool) and free("units") \
                and layer.units is not None and layer.units != units:
            return "units", str(layer.units), str(units)
    if cls in ("Dense", "Activation"):
        state, node = _argument(call, 1 if cls == "Dense" else 0, "activation")
        ok, activation = (True, None) if state == "absent" and cls == "Dense" else (
            _literal(node) if state == "given" else (False, None))
        expected = "linear" if ok and activation is None else ACTIVATIONS.get(activation) if ok else None
        if expected and free("activation") and layer.activation is not None \
                and ACTIVATIONS.get(layer.activation, layer.activation) != expected:
            return "activation", layer.activation, expected
    if cls.endswith("Dropout"):
        state, node = _argument(call, 0, "rate")
        ok, rate = _literal(node) if state == "given" else (False, None)
        if ok and isinstance(rate, (int, float)) and not isinstance(rate, bool) and free("rate") \
                and layer.rate is not None and not _same(layer.rate, float(rate)):
            return "rate", f"{layer.rate:g}", f"{rate:g}"
    if cls == "Dense" and free("kernel_regularizer"):
        reported = layer.kernel_regularizer
        state, node = _argument(call, 5, "kernel_regularizer", "W_regularizer")
        if state == "absent" or (state == "given" and _literal(node) == (True, None)):
            if reported is not None:
                return "kernel_regularizer", reported.class_name, "None"
        elif state == "given":
            sure, l1, l2 = _regularizer_values(node, view)
            if sure and reported is None:
                return "kernel_regularizer", "None", ast.unparse(node)[:80]
            if sure and reported is not None:
                for key, stated, got in (("l1", l1, reported.l1), ("l2", l2, reported.l2)):
                    if stated is not None and not _same(stated, got):
                        return f"kernel_regularizer.{key}", f"{got:g}", f"{stated:g}"
    return None


# -- the checks ---------------------------------------------------------------------------------------
def _callee_role(call: ast.Call, view: SourceView) -> tuple[str, set[str], bool]:
    """("layer", classes, plain) for a call that constructs a known Keras layer class, ("neutral", ...)
    for one that surely constructs no reported layer, ("unknown", ...) for anything that might."""
    func = call.func
    if isinstance(func, ast.Call):  # ``Dense(64)(x)``: calling a layer builds weights, not layers
        inner = _last_name(func.func)
        names, _ = view.resolve(inner) if inner else (set(), False)
        if names and names <= KERAS_LAYERS and not names & WRAPPERS \
                and not any(b.kind == "other" for b in view.bindings.get(inner, [])):
            return "neutral", set(), False
        return "unknown", set(), False
    name = _last_name(func)
    if name is None:
        return "unknown", set(), False
    if any(b.kind in ("other", "module") for b in view.bindings.get(name, [])):
        return "unknown", set(), False  # a student helper, class or variable: it may build anything
    names, plain = view.resolve(name)
    if not names or names & WRAPPERS:
        return "unknown", names, False
    if names <= KERAS_LAYERS:
        return "layer", names, plain
    if name == "add" and isinstance(func, ast.Attribute):
        receiver = _last_name(func.value)
        # ``model.add(layer)`` adds; ``layers.add([a, b])`` (the merge function) builds an Add layer.
        if receiver != "layers" and not any(b.kind == "module" for b in view.bindings.get(receiver or "", [])):
            return "neutral", set(), False
        return "unknown", names, False
    if name in NEUTRAL_CALLEES and name != "add":
        return "neutral", set(), False
    return "unknown", names, plain


def _layer_mismatch(layer: LayerSpec, view: SourceView, kind: str) -> ReportMismatch | None:
    where = layer.created_at
    if where is None or (where.cell is None and where.file is None):
        if kind in ("sequential", "functional") and layer.builtin:
            return ReportMismatch("no_site", layer=layer.name, class_name=layer.class_name)
        return None  # a subclassed model may build layers lazily, when the grader first calls it
    if where.line is None:
        return None
    exists, code = view.unit(where)
    if not exists:
        return ReportMismatch("no_code", layer=layer.name, class_name=layer.class_name, where=where)
    if code is None or where.line in code.opaque:
        return None
    if not 1 <= where.line <= code.lines:
        return ReportMismatch("no_code", layer=layer.name, class_name=layer.class_name, where=where)
    calls = code.calls.get(where.line, [])
    if not calls:
        return ReportMismatch("not_constructed", layer=layer.name, class_name=layer.class_name, where=where)
    builders, unknown = [], False
    for call in calls:
        role, names, plain = _callee_role(call, view)
        if layer.class_name == "InputLayer" or not layer.builtin:
            unknown = True  # Keras makes InputLayers itself; a student's own class may be made anywhere
        elif role == "layer" and layer.class_name in names:
            builders.append((call, plain and layer.class_name in KERAS_LAYERS))
        elif role == "unknown":
            unknown = True
    if builders:
        differences = [_disagreement(call, layer, view) if comparable else None for call, comparable in builders]
        if any(d is None for d in differences):
            return None
        field, reported, stated = differences[0]
        return ReportMismatch("argument", layer=layer.name, class_name=layer.class_name, where=where,
                              field=field, reported=reported, stated=stated)
    if unknown:
        return None
    return ReportMismatch("not_constructed", layer=layer.name, class_name=layer.class_name, where=where)


def _site_mismatch(where: SourceLocation | None, method: str, view: SourceView) -> ReportMismatch | None:
    """A reported ``compile``/``fit`` call must sit on a line that calls it (or a helper that may)."""
    reason = f"{method}_site"
    if where is None or (where.cell is None and where.file is None) or where.line is None:
        return None  # no student frame on the stack (a call from a thread a library started): nothing to compare
        return None
    exists, code = view.unit(where)
    if not exists:
        return ReportMismatch(reason, where=where)
    if code is None or where.line in code.opaque:
        return None
    methods = ("fit", "fit_generator", "train_on_batch") if method == "fit" else ("compile",)
    for call in code.calls.get(where.line, []):
        if _last_name(call.func) in methods or _callee_role(call, view)[0] == "unknown":
            return None
    return ReportMismatch(reason, where=where)


def _fit_sites(spec: ModelSpec, state: dict[str, Any] | None) -> list[SourceLocation | None]:
    """Where each reported fit call was made: from the spec when it carries them, else the raw state."""
    sites = [getattr(f, "location", None) for f in spec.fit_calls]
    if any(s is not None for s in sites) or state is None:
        return sites
    from autograder.spec import location, select_model

    index, _ = select_model(state)
    models = state.get("models") if isinstance(state.get("models"), dict) else {}
    raw = models.get(str(index)) if index is not None else None
    fits = raw.get("fits") if isinstance(raw, dict) and isinstance(raw.get("fits"), list) else []
    return [location(f.get("site")) for f in fits if isinstance(f, dict)]


def cross_check(sub: Submission, spec: ModelSpec | None, state: dict[str, Any] | None = None) -> ReportMismatch | None:
    """The first claim of the report the submitted source contradicts, or None when all agree
    (or cannot be decided). ``state`` is the raw report, read for the fit sites when the spec lacks them."""
    if spec is None or not sub.cells:
        return None
    try:
        return _first_mismatch(sub, spec, state)
    except (RecursionError, MemoryError, ValueError, TypeError, AttributeError):
        return None  # code too strange to read here: in doubt, the report stands


def _first_mismatch(sub: Submission, spec: ModelSpec, state: dict[str, Any] | None) -> ReportMismatch | None:
    view = SourceView(sub)
    for layer in spec.layers:
        found = _layer_mismatch(layer, view, spec.kind)
        if found is not None:
            return found
    if spec.compile is not None:
        found = _site_mismatch(spec.compile.location, "compile", view)
        if found is not None:
            return found
    for where in _fit_sites(spec, state):
        if where is not None:
            found = _site_mismatch(where, "fit", view)
            if found is not None:
                return found
    return None


def instructor_sentence(mismatch: ReportMismatch, lang: str) -> str:
    """What the instructor reads about a refused report, in the report's language."""
    from autograder.i18n import translate

    params = {"layer": mismatch.layer, "cls": mismatch.class_name, "field": mismatch.field,
              "reported": mismatch.reported, "stated": mismatch.stated, "where": mismatch.where}
    detail = translate(f"crosscheck.{mismatch.reason}", lang, params)
    return translate("crosscheck.instructor", lang, {"detail": detail})
