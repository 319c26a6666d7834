import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input((input_dim,)), tf.keras.layers.Dense(64, activation='relu'), tf.keras.layers.Dropout(0.5),
                             tf.keras.layers.Dense(64, activation='relu'), tf.keras.layers.Dropout(0.5), tf.keras.layers.Dense(1, activation='sigmoid')])
for layer in model.layers[:-1]:
    if isinstance(layer, tf.keras.layers.Dense):
        layer.kernel_regularizer = tf.keras.regularizers.l2(0.01)
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=2)
