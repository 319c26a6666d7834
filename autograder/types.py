"""Plain, frozen data types that flow between the grader's stages.

Submission -> ExecutionArtifact -> ModelSpec -> [CheckResult] -> GradeResult -> reports.
Nothing here imports Keras: every stage after the sandbox works on these values alone.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

CheckStatus = Literal["pass", "fail", "error", "skipped"]
ResultStatus = Literal["graded", "error"]
ENVIRONMENT_KINDS = ("missing_module", "colab", "missing_file", "download", "output")
"""What the grading environment may lack (EnvironmentIssue.kind), in the order reports list them."""


@dataclass(frozen=True)
class SourceCell:
    """One unit of student code: a notebook code cell, or a whole script."""

    index: int
    """Notebook cell number (1-based, counting every cell as Jupyter shows them); 0 for a script."""
    source: str
    """Code after IPython magics and shell lines were turned into plain Python."""
    original: str = ""
    """The code as the student wrote it (shown in reports)."""


@dataclass(frozen=True)
class LoadError:
    """Why a submission could not be read at all."""

    kind: str
    """Machine-readable kind, e.g. ``corrupt_notebook``, ``binary_file``, ``empty``, ``syntax_error``."""
    detail: str = ""
    """Technical detail (line, parser message); the report's sentence comes from the message catalog."""


@dataclass(frozen=True)
class EntryChoice:
    """Which file of a folder submission is the program, and why (``autograder.program``)."""

    entry: str
    """The notebook or script that counted (path inside the folder)."""
    reason: str
    """The rule of ``program.ENTRY_ORDER`` that put it first, or ``only`` (no other file could be an entry)."""
    pattern: str = ""
    """The glob that matched, when the reason is ``pinned`` or ``assignment``."""
    left: tuple[str, ...] = ()
    """Other files that could have been the entry (no other file imports them), not graded."""
    modules: tuple[str, ...] = ()
    """The folder's code files the entry imports (directly or through others): they run with it."""
    ignored: tuple[str, ...] = ()
    """Tests, ``__init__.py`` and setup files: never entries."""


@dataclass(frozen=True)
class Submission:
    """A submission as found on disk, read and ready to run."""

    id: str
    """Folder name for a folder submission, else the file name without its extension."""
    source: str
    """The path that was given, as the user wrote it."""
    kind: Literal["notebook", "script", "unknown"]
    sha256: str
    """Hex digest of the submitted file (or of all files of a folder, in path order)."""
    filename: str = ""
    """Name of the notebook or script inside the submission."""
    cells: tuple[SourceCell, ...] = ()
    files: tuple[tuple[str, bytes], ...] = ()
    """Other files of a folder submission (relative path, content), copied into its working folder."""
    load_error: LoadError | None = None
    notes: tuple[str, ...] = ()
    """Things the loader wants the student to know (e.g. which of several files was graded)."""
    entry: EntryChoice | None = None
    """For a folder: which file is the program and why (None for a single file)."""


@dataclass(frozen=True)
class RunLimits:
    """Resource limits for one run of student code."""

    timeout_s: float = 120.0
    memory_mb: int = 6144
    """Address-space limit; TensorFlow needs more than 2 GB of address space just to import."""
    cpu_s: int = 0
    """CPU-seconds limit; 0 means twice the wall-clock limit."""
    nproc: int = 512
    """Processes and threads of the sandbox user (TensorFlow starts many threads)."""
    fsize_mb: int = 64
    nofile: int = 256
    output_bytes: int = 64 * 1024
    """Bytes of printed output kept for the report; the rest is counted and dropped."""
    output_limit_bytes: int = 32 * 1024 * 1024
    """Printing more than this stops the run (``output_limit``)."""
    fit_epochs_cap: int = 2
    """Calls to ``fit`` in the submission run at most this many epochs."""
    max_files: int = 20000
    """Files and folders a job may create in its working folder (``disk_limit`` past that)."""

    @property
    def disk_mb(self) -> int:
        """Bytes a job may write in its working folder, in MB: eight of its largest files."""
        return 8 * self.fsize_mb

    def to_job(self) -> dict[str, Any]:
        """The limits as the sandbox reads them: every field plus the derived disk budget."""
        return dict(asdict(self), disk_mb=self.disk_mb)


@dataclass(frozen=True)
class ExecutionArtifact:
    """What came back from the sandbox: JSON only, never objects."""

    outcome: str
    """``completed``, ``timeout``, ``memory_limit``, ``output_limit``, ``crash`` or ``exited``."""
    state: dict[str, Any]
    """The runner's last complete report (models, events, errors), as untrusted JSON."""
    output: str = ""
    output_dropped_bytes: int = 0
    elapsed_s: float = 0.0
    isolation: str = "process"
    """``bwrap`` (namespaces + limits) or ``process`` (limits only)."""
    message: str = ""
    """Details from the sandbox about an abnormal end (signal, exit code)."""
    output_cells: tuple[tuple[int, int], ...] = ()
    """(cell, character offset in ``output``) where each cell's printed output starts (0 for a script)."""
    fit_samples: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Per model index, a bounded sample of the arrays its ``fit`` received: ``{"x": b64, "y": b64}`` of
    ``.npy`` bytes, opaque here (only the trainer's sandboxed child parses them)."""


@dataclass(frozen=True)
class SourceLocation:
    """Where something happened in the student's work."""

    cell: int | None = None
    line: int | None = None
    file: str | None = None


@dataclass(frozen=True)
class RegularizerSpec:
    class_name: str
    l1: float = 0.0
    l2: float = 0.0


@dataclass(frozen=True)
class LayerSpec:
    """One layer of the graded model, in the order data flows through it."""

    class_name: str
    name: str
    builtin: bool = True
    """True when the class comes from Keras itself (not defined by the student)."""
    units: int | None = None
    activation: str | None = None
    kernel_regularizer: RegularizerSpec | None = None
    bias_regularizer: RegularizerSpec | None = None
    activity_regularizer: RegularizerSpec | None = None
    rate: float | None = None
    created_at: SourceLocation | None = None
    options: tuple[tuple[str, str], ...] = ()
    """More settings the report shows, as (config key, value as written): a random transform's ``factor``,
    a convolution's ``filters`` ..."""


@dataclass(frozen=True)
class CompileSpec:
    optimizer: str | None
    """Optimizer class name (``Adam``) or None when none was given."""
    loss: str | None
    """Canonical loss name (``binary_crossentropy``), or the class/function name when unknown."""
    from_logits: bool = False
    metrics: tuple[str, ...] = ()
    error: str | None = None
    """The exception ``compile`` raised, if it failed."""
    location: SourceLocation | None = None


@dataclass(frozen=True)
class FitData:
    """What a ``fit`` of the submission received as training data."""

    samples: int | None = None
    features: tuple[int | None, ...] | None = None
    """The shape of one sample (``(30,)``, ``(28, 28)``)."""
    dataset: str | None = None
    """The ``keras.datasets`` set it came from (``mnist``), when its row count matches one that was loaded."""
    source: Literal["predefined", "own", "unknown"] = "unknown"
    """``predefined``: the ``X_train``/``y_train`` the grader defined (the same object or equal values)."""
    sampled: int = 0
    """Rows of it kept for the regularization insight (0: none)."""


@dataclass(frozen=True)
class CallbackSpec:
    """A callback given to a ``fit``, as its settings (``EarlyStopping`` monitoring ``val_loss`` ...)."""

    class_name: str
    builtin: bool = True
    """True when the class comes from Keras itself."""
    keras_class: str | None = None
    """The Keras class whose behaviour it has: its own, or the Keras parent of a subclass that overrides none of
    its hooks (``Callback`` for a class of the student's own); None when unknown (results recorded before it)."""
    monitor: str | None = None
    patience: int | None = None
    restore_best_weights: bool | None = None
    settings: tuple[tuple[str, Any], ...] = ()
    """Its other recorded settings (``min_delta``, ``mode`` ...), as (name, value) pairs."""


@dataclass(frozen=True)
class FlowSpec:
    """What fed a ``fit`` when its data came from an ``ImageDataGenerator``'s ``flow``."""

    generator: int | None
    """The generator's number in ``ModelSpec.generators``."""
    transforms: tuple[str, ...] = ()
    """The random transforms it applied when ``fit`` ran (``rotation``, ``width_shift``, ``horizontal_flip`` ...)."""
    settings: tuple[tuple[str, Any], ...] = ()
    """Its settings then, as (``rotation_range``, 20.0) pairs (a pair of ends as a tuple): the ones the insight
    can replay, bounded (``ag_augment.replay_settings``); settings that change nothing are left out."""


@dataclass(frozen=True)
class GeneratorSpec:
    """An ``ImageDataGenerator`` the submission built."""

    transforms: tuple[str, ...] = ()
    flows: int = 0
    """How many ``fit`` calls its ``flow`` fed."""
    location: SourceLocation | None = None


@dataclass(frozen=True)
class BaseSpec:
    """A ``keras.applications`` network inside the graded model (transfer learning)."""

    network: str
    """The constructor called (``VGG16``, ``MobileNetV2``)."""
    include_top: bool = True
    weights: str | None = "imagenet"
    """What was asked for: ``imagenet``, None (random), ``file`` (a weights file of the student's), ``other``, or
    ``unknown`` (``autograder.check()`` in a kernel, when no cached weights file matches the base)."""
    loaded: bool = False
    """True when the pretrained weights were there (served offline); False: random weights were used."""
    pooling: str | None = None
    trainable_at_compile: bool | None = None
    """False when no weight of the base was trainable when the model was compiled; None: never compiled."""
    last_layer: str = ""
    """The name of the base's last layer (where the new head starts in ``ModelSpec.layers``)."""
    location: SourceLocation | None = None
    first_layer: str = ""
    """The name of the base's first layer (where it starts in ``ModelSpec.layers``)."""
    name: str = ""
    """The base model's own name (``vgg16``)."""
    layer_count: int | None = None
    """Its layers (InputLayer left out), as they appear flattened in ``ModelSpec.layers``."""
    params: int | None = None
    """Its weights (scalars)."""
    trainable_at_end: bool | None = None
    """Whether any of its weights was trainable when the run ended (None: not known)."""


@dataclass(frozen=True)
class FitCall:
    """One call of ``fit`` in the submission (step 4 of the exercise): what was asked for and what ran."""

    epochs_requested: int | None
    epochs_run: int | None
    """Epochs that ran under the grading cap."""
    batch_size: int | None = None
    validation_split: float | None = None
    has_validation_data: bool = False
    error: str | None = None
    loss: tuple[float, ...] = ()
    called: bool = True
    """False when the statement calling ``fit`` failed before ``fit`` ran (e.g. its data was undefined)."""
    data: FitData | None = None
    location: SourceLocation | None = None
    callbacks: tuple[CallbackSpec, ...] = ()
    generator: FlowSpec | None = None
    """Set when ``x`` came from an ImageDataGenerator's ``flow``."""


@dataclass(frozen=True)
class ModelSpec:
    """The graded model as plain data: what the checks read."""

    kind: str
    """``sequential``, ``functional`` or ``subclassed``."""
    class_name: str
    name: str
    selected_by: str
    """Which rule of the contract chose it: ``fit``, ``compile``, ``global`` or ``constructed``."""
    layers: tuple[LayerSpec, ...]
    input_shape: tuple[int | None, ...] | None = None
    compile: CompileSpec | None = None
    fit_calls: tuple[FitCall, ...] = ()
    layer_order: str = "config"
    """How the layer order was known: ``config``, ``observed`` (calls seen while it ran) or ``attributes``."""
    rebuild: dict[str, Any] | None = field(default=None, compare=False)
    """What the trusted trainer needs to rebuild the model (Keras configs as JSON)."""
    models_seen: int = 1
    global_names: tuple[str, ...] = ()
    """The student's global names that referred to the model when the run ended (``modelo``)."""
    index: int | None = field(default=None, compare=False)
    """The model's number in the run's report (keys its fit sample)."""
    bases: tuple[BaseSpec, ...] = ()
    """The ``keras.applications`` networks inside it (transfer learning)."""
    generators: tuple[GeneratorSpec, ...] = ()
    """Every ``ImageDataGenerator`` the submission built, used or not."""


@dataclass(frozen=True)
class ErrorFrame:
    """One frame of a traceback in the student's own code (the grader's frames are left out)."""

    location: SourceLocation | None
    name: str = "<module>"
    """The function the frame ran (``<module>`` at top level)."""
    code: str = ""
    """The source line, shortened."""


@dataclass(frozen=True)
class DownloadAttempt:
    """A file the submission tried to download (grading has no network)."""

    file: str
    """The file name asked for (``mnist.npz``), or the URL's last part."""
    origin: str = ""
    """Where it would have come from (a URL)."""
    served: bool = False
    """True when the instructor's datasets folder had it, so nothing was downloaded and it worked."""
    dataset: str | None = None
    """The Keras dataset's name (``mnist``), when it was one of ``keras.datasets``."""
    location: SourceLocation | None = None


@dataclass(frozen=True)
class StoodInModule:
    """A module the grading environment lacks; importing it gave a stand-in whose uses do nothing."""

    module: str
    """The top-level package imported (``wandb``, ``google``)."""
    name: str = ""
    """The full dotted module the statement imported (``wandb.integration.keras``, ``google.colab``)."""
    location: SourceLocation | None = None


@dataclass(frozen=True)
class Keras2Note:
    """A Keras 2 spelling that Keras 3 removed, mapped to its Keras 3 spelling while grading."""

    idiom: str
    """What the student wrote (``keras.layers.core``, ``Adam(lr=...)``)."""
    modern: str
    """The Keras 3 spelling (``keras.layers``, ``Adam(learning_rate=...)``)."""
    location: SourceLocation | None = None


@dataclass(frozen=True)
class StudentError:
    """An exception raised by the student's code, pointed at their own cell and line."""

    type: str
    message: str
    location: SourceLocation | None = None
    traceback: tuple[str, ...] = ()
    """Old form of ``frames`` (pre-rendered lines); kept for results stored by earlier versions."""
    frames: tuple[ErrorFrame, ...] = ()
    """The student's own frames, outermost first (at most the last 15)."""
    defines: tuple[str, ...] = ()
    """Names the failed top-level statement would have bound (``model`` for ``model = Sequential(...)``)."""
    name: str | None = None
    """The undefined name of a NameError or UnboundLocalError."""
    download: DownloadAttempt | None = None
    """Set when the error is the grader's refusal of a download (no network while grading)."""
    follows_from: int | None = None
    """Position, in the same tuple of errors, of the earlier error this one only follows from (its root):
    a NameError of a name that the failed statement would have defined."""
    environment: str | None = None
    """Set when the grading environment caused it, not the student: ``missing_module``, ``missing_file``,
    ``download``, ``colab`` or ``output``. Such errors are reported with the environment, apart from the student's own."""
    cause: tuple[str, str] | None = None
    """(kind, subject) the sandbox saw on the live exception: ``("missing_module", "src.load")`` when a stood-in
    module's value caused it, ``("output", "../results/loss.png")`` when an output could not be written."""


@dataclass(frozen=True)
class EnvironmentIssue:
    """Something the grading environment lacked (a module, a data file, the network), seen in one submission."""

    kind: str
    """``missing_module``, ``missing_file``, ``download`` or ``colab``."""
    subject: str
    """The module (``wandb``), file (``datos.csv``) or download (``mnist.npz``) concerned."""
    location: SourceLocation | None = None
    """Where it first happened."""
    stood_in: bool = False
    """True when a stand-in module replaced it, so the code after the import ran."""
    error: str = ""
    """The error it raised (``ModuleNotFoundError: No module named 'x'``); empty for a stand-in."""
    detail: str = ""
    """More about it: the URL of a download."""
    through_keras: bool = False
    """For a download: it went through Keras (``get_file``, ``keras.datasets``), so the instructor's datasets
    folder (``--datasets``) can serve it."""
    followers: int = 0
    """Errors that only followed from this one (folded under it)."""
    count: int = 1
    """How many times it happened in the submission."""


@dataclass(frozen=True)
class Diagnosis:
    """The run's errors sorted out: which are the student's own, which the environment caused, which follow."""

    errors: tuple[StudentError, ...]
    """Every error in run order, with ``environment`` and ``follows_from`` set."""
    environment: tuple[EnvironmentIssue, ...] = ()


@dataclass(frozen=True)
class TrainingResult:
    """The grader's own brief training of the rebuilt model."""

    epochs: int
    loss: tuple[float, ...] = ()
    val_loss: tuple[float, ...] = ()
    error: str | None = None
    elapsed_s: float = 0.0
    samples: int = 0
    """Samples of the grader's data it trained on (validation rows included); 0 when unknown."""
    weights: int = 0
    """The rebuilt model's weights (``count_params``)."""
    sized: bool = False
    """True when the model's cost made the training briefer than ``planned_epochs`` x ``planned_samples``."""
    planned_epochs: int = 0
    planned_samples: int = 0
    budget: float = 0.0
    """The assignment's budget in weight uses (weights x their uses per sample x samples x epochs)."""


@dataclass(frozen=True)
class InsightCurves:
    """One model's losses per epoch in the insight's training (data loss only, no penalty terms)."""

    loss: tuple[float, ...] = ()
    val_loss: tuple[float, ...] = ()
    gap: float | None = None
    """Validation minus training loss, averaged over the last epochs."""
    val_accuracy: tuple[float, ...] = ()
    """Keras' accuracy on the validation rows per epoch, measured only for an EarlyStopping watching it."""


@dataclass(frozen=True)
class Insight:
    """Does the regularization help? The graded model and its unregularized twin trained alike (no points)."""

    verdict: Literal["reduced", "not_reduced", "no_overfit", "no_regularization", "skipped",
                     "faster", "slower", "same_speed", "helped", "no_gain", "not_stopped", "no_technique"]
    """The last six for the unit's other techniques (``compare``); ``no_technique``: nothing to take away."""
    reason: str | None = None
    """Why it was skipped: ``disabled``, ``not_trained``, ``custom_layers``, ``no_data``, ``failed``, ``timeout``."""
    error: str | None = None
    model: InsightCurves | None = None
    twin: InsightCurves | None = None
    """None when the model had no regularization to remove (the twin would be the same model)."""
    reduction: float | None = None
    """The twin's gap minus the model's gap: how much the regularization closed it."""
    removed: tuple[str, ...] = ()
    """What the twin lacks, one entry per layer (``dense: L2(0.01)``, ``dropout: rate 0.5``)."""
    data: Literal["student", "assignment", ""] = ""
    train_samples: int = 0
    val_samples: int = 0
    epochs: int = 0
    batch_size: int = 0
    """0: full-batch epochs."""
    elapsed_s: float = 0.0
    facts: tuple[tuple[str, Any], ...] = ()
    """Why it was skipped, as data the report words in its language (``(("why", "rows"), ("rows", [30]),
    ("input", [784]))``); ``error`` is then only the fact's name."""
    compare: str = "regularization"
    """What was compared (``[insight] compare``): ``regularization``, ``batch_norm``, ``early_stopping`` or
    ``augmentation`` (``autograder.insight_techniques``)."""
    measures: tuple[tuple[str, Any], ...] = ()
    """The technique's own figures (``(("stopped_epoch", 23), ("val_kept", 0.31), ...)``); empty for
    regularization, whose figures are the gaps above."""


@dataclass(frozen=True)
class CheckResult:
    id: str
    status: CheckStatus
    points: float
    max_points: float
    message: str
    hint: str | None = None
    kind: str = ""
    """The check's kind in the grader's vocabulary (``hidden_dense`` ...); empty in results older than kinds."""
    rules: dict[str, Any] = field(default_factory=dict)
    """The check's parameters as the assignment set them (what the architecture drawing reads)."""
    title: str = ""
    """Its title in the result's language."""


@dataclass(frozen=True)
class ErrorInfo:
    kind: str
    message: str
    detail: str = ""
    """For the instructor only (e.g. what a forged report claimed); reports shown to students omit it."""


@dataclass(frozen=True)
class ReportMismatch:
    """A claim of the sandbox's report that the submitted source contradicts (``autograder/crosscheck.py``)."""

    reason: str
    """``no_site``, ``no_code``, ``not_constructed``, ``argument``, ``compile_site`` or ``fit_site``."""
    layer: str = ""
    class_name: str = ""
    where: SourceLocation | None = None
    field: str = ""
    """For ``argument``: which argument disagrees (``units``, ``activation``, ``rate``, ``kernel_regularizer``)."""
    reported: str = ""
    stated: str = ""
    """What the source states for that argument, as written."""


@dataclass(frozen=True)
class GradeResult:
    """Everything known about one graded submission; renderers consume it."""

    id: str
    assignment: str
    source: str
    sha256: str
    status: ResultStatus
    error: ErrorInfo | None
    score: float
    max_score: float
    checks: tuple[CheckResult, ...]
    model: ModelSpec | None
    training: TrainingResult | None
    lang: str
    elapsed_s: float
    isolation: str = "none"
    cut_short: str | None = None
    """Why the run stopped early (``timeout``, ``memory_limit`` ...) when a model was still graded."""
    student_errors: tuple[StudentError, ...] = ()
    output: str = ""
    output_dropped_bytes: int = 0
    notes: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    """IPython magics and shell lines that the sandbox skipped."""
    grader_version: str = ""
    filename: str = ""
    insight: Insight | None = None
    """Does the regularization help? Feedback only, never part of the score."""
    environment: tuple[EnvironmentIssue, ...] = ()
    """What the grading environment lacked (reported apart from the student's own errors)."""
    keras2: tuple[Keras2Note, ...] = ()
    """Keras 2 spellings mapped to Keras 3 while grading, each with its modern spelling."""
    output_cells: tuple[tuple[int, int], ...] = ()
    """(cell, character offset in ``output``) where each cell's printed output starts: the review desk shows
    each cell with its own output. Empty when unknown (output before the first offset came before any cell)."""


def to_plain(value: Any) -> Any:
    """Dataclasses (nested) to dicts, tuples to lists: JSON-ready."""
    if hasattr(value, "__dataclass_fields__"):
        return {k: to_plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value
