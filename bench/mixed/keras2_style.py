# Estilo Keras 2 (de tutoriales antiguos): rutas keras.layers.core y Adam(lr=...).
from keras.models import Sequential
from keras.layers.core import Dense, Dropout
from keras.optimizers import Adam
from keras import regularizers

model = Sequential()
model.add(Dense(64, activation="relu", input_shape=(input_dim,), kernel_regularizer=regularizers.l2(0.01)))
model.add(Dropout(0.5))
model.add(Dense(64, activation="relu", kernel_regularizer=regularizers.l2(0.01)))
model.add(Dropout(0.5))
model.add(Dense(1, activation="sigmoid"))
model.compile(optimizer=Adam(lr=0.001), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=50, validation_split=0.2)
