from tensorflow import keras
from tensorflow.keras import layers, regularizers
block = lambda u: keras.Sequential([layers.Dense(u, activation='relu', kernel_regularizer=regularizers.l2(0.01)), layers.Dropout(0.5)])
model = keras.Sequential([keras.Input((input_dim,)), block(64), block(64), layers.Dense(1, activation='sigmoid')])
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=2)
