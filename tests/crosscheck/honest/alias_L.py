from tensorflow.keras import layers as L
from tensorflow.keras import regularizers as R
import tensorflow as tf
model = tf.keras.Sequential([
    L.Dense(64, activation="relu", kernel_regularizer=R.l2(1e-4), input_shape=(input_dim,)),
    L.Dropout(0.2),
    L.Dense(64, activation="relu", kernel_regularizer=R.l2(1e-4)),
    L.Dropout(0.2),
    L.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=5, validation_split=0.1)
