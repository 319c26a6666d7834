# Cheat: a "Dense" that claims to be Keras' and reports L2 it does not have.
import keras
from keras import layers
class Dense(layers.Layer):
    __module__ = "keras.src.layers.core.dense"
    def __init__(self, units, activation=None, **kw):
        super().__init__(**kw); self.units = units; self.activation = activation
    def get_config(self):
        return {"name": self.name, "units": self.units, "activation": "relu",
                "kernel_regularizer": {"class_name": "L2", "config": {"l2": 0.01}}}
    def call(self, x): return x
model = keras.Sequential([keras.Input((30,)), Dense(64), layers.Dropout(0.5), Dense(64), layers.Dropout(0.5), layers.Dense(1, activation="sigmoid")])
model.compile("adam", "binary_crossentropy")
