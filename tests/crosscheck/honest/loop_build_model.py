import tensorflow.keras as K
def build_model(nx, layers, activations, lambtha, keep_prob):
    model = K.Sequential()
    for i, units in enumerate(layers):
        reg = K.regularizers.l2(lambtha)
        if i == 0:
            model.add(K.layers.Dense(units, activation=activations[i], kernel_regularizer=reg, input_shape=(nx,)))
        else:
            model.add(K.layers.Dense(units, activation=activations[i], kernel_regularizer=reg))
        if i < len(layers) - 1:
            model.add(K.layers.Dropout(1 - keep_prob))
    return model
model = build_model(input_dim, [64, 64, 1], ['relu', 'relu', 'sigmoid'], 0.01, 0.5)
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
model.fit(X_train, y_train, epochs=5)
