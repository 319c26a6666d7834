# Attack: no model at all; a complete report written from scratch (a full-marks Sequential that never existed).
import json
import os

LAYERS = [
    {"class_name": "Dense", "name": "dense", "builtin": True, "units": 64, "activation": "relu",
     "kernel_regularizer": {"class_name": "L2", "l1": 0.0, "l2": 0.01}, "created_at": {"file": "forge_whole_report.py", "line": 12}},
    {"class_name": "Dropout", "name": "dropout", "builtin": True, "rate": 0.5, "created_at": {"file": "forge_whole_report.py", "line": 13}},
    {"class_name": "Dense", "name": "dense_1", "builtin": True, "units": 64, "activation": "relu",
     "kernel_regularizer": {"class_name": "L2", "l1": 0.0, "l2": 0.01}, "created_at": {"file": "forge_whole_report.py", "line": 14}},
    {"class_name": "Dropout", "name": "dropout_1", "builtin": True, "rate": 0.5, "created_at": {"file": "forge_whole_report.py", "line": 15}},
    {"class_name": "Dense", "name": "dense_2", "builtin": True, "units": 1, "activation": "sigmoid",
     "created_at": {"file": "forge_whole_report.py", "line": 16}},
]
MODEL = {"index": 0, "kind": "sequential", "class_name": "Sequential", "builtin": True, "name": "sequential",
         "layer_order": "config", "input_shape": [None, 30], "layers": LAYERS,
         "compile": {"optimizer": {"class_name": "Adam"}, "loss": {"name": "binary_crossentropy"}, "metrics": ["accuracy"],
                     "error": None, "optimizer_given": True, "site": {"file": "forge_whole_report.py", "line": 20}},
         "fits": [{"epochs_requested": 50, "epochs_run": 2, "loss": [0.7, 0.6], "error": None, "called": True,
                   "site": {"file": "forge_whole_report.py", "line": 21}}],
         "created_at": {"file": "forge_whole_report.py", "line": 17}, "serialized": None}
STATE = {"type": "state", "final": "completed", "events": [["construct", 0], ["compile", 0], ["fit", 0]],
         "models": {"0": MODEL}, "models_seen": 1, "global_model": 0, "errors": [], "error_count": 0, "notes": [],
         "finished": True, "units_run": 1, "exit": None}


def forge():  # one statement: the runner reports after each statement of a script, so forge and exit in one
    line = (json.dumps(STATE) + "\n").encode()
    for fd in range(3, 1024):
        try:
            os.write(fd, line)
        except OSError:
            pass
    os._exit(0)


forge()
