from tensorflow import keras
sizes = [32, 32]
hidden = [layer for u in sizes for layer in (keras.layers.Dense(u, activation='relu', kernel_regularizer=keras.regularizers.l2(1e-3)), keras.layers.Dropout(0.3))]
model = keras.Sequential([keras.Input(shape=(input_dim,))] + hidden + [keras.layers.Dense(1, activation='sigmoid')])
model.compile('adam', 'binary_crossentropy', metrics=['accuracy'])
model.fit(X_train, y_train, epochs=3, verbose=0)
