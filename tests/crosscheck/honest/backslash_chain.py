import tensorflow as tf
layers = tf.keras.layers
model = tf.keras.Sequential()
model.add(layers \
    .Dense(64, activation='relu', kernel_regularizer=tf.keras.regularizers.l2(0.01), input_shape=(input_dim,)))
model.add(layers.Dropout(0.5))
model.add(layers.Dense(64, activation='relu',
    kernel_regularizer=tf.keras.regularizers.l2(0.01)))
model.add(layers.Dropout(0.5))
model.add(layers.Dense(1, activation='sigmoid'))
model \
    .compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train,
          epochs=3)
