"""Plain, frozen data types that flow between the grader's stages.

Submission -> ExecutionArtifact -> ModelSpec -> [CheckResult] -> GradeResult -> reports.
Nothing here imports Keras: every stage after the sandbox works on these values alone.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

CheckStatus = Literal["pass", "fail", "error", "skipped"]
ResultStatus = Literal["graded", "error"]


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
class FitCall:
    """One call of ``fit`` in the submission: what was asked for and what ran."""

    epochs_requested: int | None
    epochs_run: int | None
    batch_size: int | None = None
    validation_split: float | None = None
    has_validation_data: bool = False
    error: str | None = None
    loss: tuple[float, ...] = ()


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


@dataclass(frozen=True)
class StudentError:
    """An exception raised by the student's code, pointed at their own cell and line."""

    type: str
    message: str
    location: SourceLocation | None = None
    traceback: tuple[str, ...] = ()
    """Trimmed to the student's own frames."""


@dataclass(frozen=True)
class TrainingResult:
    """The grader's own brief training of the rebuilt model."""

    epochs: int
    loss: tuple[float, ...] = ()
    val_loss: tuple[float, ...] = ()
    error: str | None = None
    elapsed_s: float = 0.0


@dataclass(frozen=True)
class CheckResult:
    id: str
    status: CheckStatus
    points: float
    max_points: float
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class ErrorInfo:
    kind: str
    message: str


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


def to_plain(value: Any) -> Any:
    """Dataclasses (nested) to dicts, tuples to lists: JSON-ready."""
    if hasattr(value, "__dataclass_fields__"):
        return {k: to_plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value
