import numpy as np
import tensorflow as tf
rng = np.random.default_rng(0)
X = rng.normal(size=(200, 8)).astype('float32')
y = X @ rng.normal(size=8).astype('float32')
model = tf.keras.Sequential([
    tf.keras.layers.Dense(32, activation='relu', kernel_regularizer=tf.keras.regularizers.l2(0.001), input_shape=(8,)),
    tf.keras.layers.Dropout(0.1),
    tf.keras.layers.Dense(32, activation='relu', kernel_regularizer=tf.keras.regularizers.l2(0.001)),
    tf.keras.layers.Dropout(0.1),
    tf.keras.layers.Dense(1)])
model.compile(optimizer='adam', loss='mse', metrics=['mae'])
model.fit(X, y, epochs=5, verbose=0)
