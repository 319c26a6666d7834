import tensorflow as tf
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2, l1

# Correct, with the Functional API and Keras 3 imports.
import keras
from keras import layers, regularizers
inputs = keras.Input(shape=(input_dim,))
x = layers.Dense(32, activation='tanh', kernel_regularizer=regularizers.l2(0.001))(inputs)
x = layers.Dropout(0.3)(x)
x = layers.Dense(16, activation='tanh', kernel_regularizer=regularizers.L1L2(l1=0.0, l2=0.01))(x)
x = layers.Dropout(0.3)(x)
outputs = layers.Dense(1, activation='sigmoid')(x)
modelo = keras.Model(inputs, outputs, name='red_funcional')
modelo.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.BinaryCrossentropy(), metrics=['accuracy'])
historia = modelo.fit(X_train, y_train, epochs=100, batch_size=32, validation_data=(X_test, y_test), verbose=0)
