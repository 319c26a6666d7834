from tensorflow.keras import layers, models, regularizers
make = lambda n: layers.Dense(n, activation='relu', kernel_regularizer=regularizers.l2(0.01))
model = models.Sequential([layers.Input(shape=(input_dim,)), make(64), layers.Dropout(0.5), make(64), layers.Dropout(0.5), layers.Dense(1, activation='sigmoid')])
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=2)
