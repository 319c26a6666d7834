# Attack: a model with no Dropout; the forged report inserts Dropout layers that claim to have been
# created on the real lines of the real Dense layers (every location points at real student code).
import gc
import json
import os

from tensorflow.keras.layers import Dense
from tensorflow.keras.models import Sequential
from tensorflow.keras.regularizers import l2

model = Sequential()
model.add(Dense(64, activation='relu', kernel_regularizer=l2(0.01), input_shape=(input_dim,)))
model.add(Dense(64, activation='relu', kernel_regularizer=l2(0.01)))
model.add(Dense(1, activation='sigmoid'))
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
model.fit(X_train, y_train, epochs=1, verbose=0)


def forge():
    tracker = next(o for o in gc.get_objects() if type(o).__name__ == "Tracker" and hasattr(o, "describe_model"))
    index = tracker.model_index[id(model)]
    described = tracker.describe_model(index)
    layers = []
    for number, layer in enumerate(described["layers"]):
        layers.append(layer)
        if number < 2:
            layers.append({"class_name": "Dropout", "name": f"dropout_{number}", "builtin": True, "rate": 0.5,
                           "created_at": layer["created_at"], "serialized": None})
    described["layers"] = layers
    state = {"type": "state", "final": "completed", "events": tracker.events, "models": {str(index): described},
             "models_seen": len(tracker.models), "global_model": index, "errors": [], "error_count": 0,
             "notes": [], "finished": True, "units_run": 1, "exit": None}
    line = (json.dumps(state, default=str) + "\n").encode()
    for fd in range(3, 1024):
        try:
            os.write(fd, line)
        except OSError:
            pass
    os._exit(0)


forge()
