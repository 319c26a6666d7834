from tensorflow.keras import layers, models, regularizers
def hidden(units):
    return [layers.Dense(units, activation='relu', kernel_regularizer=regularizers.l2(0.01)), layers.Dropout(0.5)]
model = models.Sequential([layers.Input(shape=(input_dim,)), *hidden(64), *hidden(32), layers.Dense(1, activation='sigmoid')])
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=2)
