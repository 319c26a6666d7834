# Falla: una celda con un error de sintaxis; las demás celdas sí construyen y entrenan el modelo.
print("hola"

from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2

model = Sequential([
    Dense(64, activation="relu", kernel_regularizer=l2(0.01), input_shape=(input_dim,)),
    Dropout(0.5),
    Dense(64, activation="relu", kernel_regularizer=l2(0.01)),
    Dropout(0.5),
    Dense(1, activation="sigmoid"),
])

model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])

model.fit(X_train, y_train, epochs=50, validation_split=0.2)
