# Cheat: tries to reach the grader's own modules and the sandbox's hooks, then builds no valid model.
import sys, builtins
for name in list(sys.modules):
    if name.startswith(("autograder", "ag_")):
        mod = sys.modules[name]
        for attr in dir(mod):
            if attr.startswith(("check", "run_", "describe")):
                try:
                    setattr(mod, attr, lambda *a, **k: {"status": "pass"})
                except Exception:
                    pass
builtins.isinstance = lambda *a: True
builtins.len = lambda *a: 2
import keras
model = keras.Sequential([keras.Input((30,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile("adam", "binary_crossentropy")
