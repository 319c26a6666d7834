"""The few sentences the integrations add to the grader's own messages, in Spanish and English."""
from __future__ import annotations

from typing import Any

MESSAGES: dict[str, dict[str, str]] = {
    "es": {
        "cell_line": "Celda {cell}, línea {line}",
        "cell": "Celda {cell}",
        "file_line": "{file}, línea {line}",
        "hint": "Qué cambiar",
        "points": "{points}/{max_points} ptos",
        "score_line": "Nota: {score} / {max_score}",
        "run_error": "La entrega no se pudo ejecutar: {message}",
        "student_errors": "Errores al ejecutar tu código:",
        "cut_short": "Ejecución interrumpida: {reason}",
        "notes": "Avisos:",
        "no_result": "El corrector no produjo ningún resultado: {detail}",
        "kernel_banner": "Comprobación orientativa dentro de tu cuaderno: {score} / {max_score}. "
                         "La nota oficial es la de la corrección aislada (sandbox) que se hace al entregar.",
        "kernel_note": "Comprobación hecha en tu kernel de Jupyter con autograder.check(): es orientativa. "
                       "La nota oficial es la de la corrección aislada (sandbox) que se hace al entregar.",
        "kernel_no_model": "No se encontró ningún modelo de Keras en el cuaderno. Crea el modelo o pásalo: "
                           "`autograder.check(model)`.",
        "kernel_not_model": "autograder.check() recibió un objeto {kind}, no un modelo de Keras.",
        "kernel_no_training": "Entrenamiento omitido en el kernel (train=False); en la corrección oficial sí se entrena.",
        "kernel_skipped_in_grading": "autograder.check(): se omite durante la corrección oficial.",
        "kernel_assignment_guessed": "Ejercicio comprobado: {assignment} (no se indicó; para otro, "
                                     "`autograder.check(model, assignment=\"early-stopping\")`).",
        "kernel_unknown_callbacks": "No se puede saber en el kernel: no hay ningún callback guardado en una variable "
                                    "que fit haya usado con este modelo. Si pasaste EarlyStopping(...) escrito "
                                    "dentro de fit(...), el kernel no lo ve; guárdalo en una variable "
                                    "(early_stopping = EarlyStopping(...)). La corrección oficial sí lo ve.",
        "kernel_unknown_flow": "No se puede saber en el kernel si fit recibió datagen.flow(...): solo se ve un "
                               "flow guardado en una variable que ya sirvió lotes. La corrección oficial sí lo ve.",
        "kernel_unknown_weights": "No se puede saber en el kernel qué pesos pediste para la red base (no hay una "
                                  "copia de los pesos de ImageNet en la caché de Keras con la que compararla). "
                                  "La corrección oficial lee weights= en tu código.",
        "kernel_unknown_frozen": "El kernel ve si la red base está congelada ahora, no cuando compilaste: "
                                 "congélala (trainable = False) antes de compile, como pide el ejercicio.",
    },
    "en": {
        "cell_line": "Cell {cell}, line {line}",
        "cell": "Cell {cell}",
        "file_line": "{file}, line {line}",
        "hint": "What to change",
        "points": "{points}/{max_points} pts",
        "score_line": "Score: {score} / {max_score}",
        "run_error": "The submission could not be run: {message}",
        "student_errors": "Errors while running your code:",
        "cut_short": "Run cut short: {reason}",
        "notes": "Notes:",
        "no_result": "The grader produced no result: {detail}",
        "kernel_banner": "Practice check inside your notebook: {score} / {max_score}. "
                         "The official grade is the one from the sandboxed run when you submit.",
        "kernel_note": "Checked in your Jupyter kernel with autograder.check(): this is only a practice check. "
                       "The official grade is the one from the sandboxed run when you submit.",
        "kernel_no_model": "No Keras model was found in the notebook. Build the model or pass it: "
                           "`autograder.check(model)`.",
        "kernel_not_model": "autograder.check() was given a {kind} object, not a Keras model.",
        "kernel_no_training": "Training skipped in the kernel (train=False); the official grading does train.",
        "kernel_skipped_in_grading": "autograder.check(): skipped during the official grading.",
        "kernel_assignment_guessed": "Exercise checked: {assignment} (none was given; for another, "
                                     "`autograder.check(model, assignment=\"early-stopping\")`).",
        "kernel_unknown_callbacks": "Cannot be known in the kernel: no callback kept in a variable was used by a fit "
                                    "of this model. If you wrote EarlyStopping(...) inside fit(...), the kernel "
                                    "cannot see it; keep it in a variable (early_stopping = EarlyStopping(...)). "
                                    "The official grading does see it.",
        "kernel_unknown_flow": "Cannot be known in the kernel whether fit received datagen.flow(...): only a flow "
                               "kept in a variable that already served batches is seen. The official grading "
                               "does see it.",
        "kernel_unknown_weights": "Cannot be known in the kernel which weights you asked for the base network "
                                  "(no copy of the ImageNet weights in Keras' cache to compare it with). The "
                                  "official grading reads weights= in your code.",
        "kernel_unknown_frozen": "The kernel sees whether the base network is frozen now, not when you compiled: "
                                 "freeze it (trainable = False) before compile, as the exercise asks.",
    },
}


def say(key: str, lang: str, **values: Any) -> str:
    """The sentence ``key`` in ``lang`` (English when the language is unknown), values filled in."""
    table = MESSAGES.get(lang, MESSAGES["en"])
    return table[key].format(**values)
