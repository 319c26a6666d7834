from tensorflow import keras
config = {"hidden": [{"units": 64, "drop": 0.5}, {"units": 32, "drop": 0.3}], "l2": 0.01}
model = keras.Sequential(name="regularizada")
model.add(keras.layers.InputLayer(shape=(input_dim,)))
for spec in config["hidden"]:
    model.add(keras.layers.Dense(spec["units"], activation="relu", kernel_regularizer=keras.regularizers.l2(config["l2"])))
    model.add(keras.layers.Dropout(spec["drop"]))
model.add(keras.layers.Dense(1, activation="sigmoid"))
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=3)
