# Entrega: datos propios (breast cancer de scikit-learn), escalado y partición antes del modelo.
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow import keras
from tensorflow.keras import layers, regularizers

cancer = load_breast_cancer()
features = StandardScaler().fit_transform(cancer.data)
X_tr, X_te, y_tr, y_te = train_test_split(features, cancer.target, test_size=0.25, random_state=7)

red = keras.Sequential()
red.add(layers.Input(shape=(X_tr.shape[1],)))
red.add(layers.Dense(32, activation="relu", kernel_regularizer=regularizers.l2(1e-3)))
red.add(layers.Dropout(0.3))
red.add(layers.Dense(16, activation="relu", kernel_regularizer=regularizers.l2(1e-3)))
red.add(layers.Dropout(0.3))
red.add(layers.Dense(1, activation="sigmoid"))
red.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="binary_crossentropy", metrics=["accuracy"])

historia = red.fit(X_tr, y_tr, epochs=50, batch_size=16, validation_data=(X_te, y_te), verbose=0)
print("precisión en test:", red.evaluate(X_te, y_te, verbose=0)[1])
