import tensorflow as tf
m = tf.keras.Sequential([tf.keras.Input((input_dim,)),
    tf.keras.layers.Dense(64, activation='relu', kernel_regularizer=tf.keras.regularizers.l2(0.01)), tf.keras.layers.Dropout(0.5),
    tf.keras.layers.Dense(64, activation='relu', kernel_regularizer=tf.keras.regularizers.l2(0.01)), tf.keras.layers.Dropout(0.5),
    tf.keras.layers.Dense(1, activation='sigmoid')])
m.compile(optimizer='adam', loss='binary_crossentropy')
m.save('modelo.keras')
model = tf.keras.models.load_model('modelo.keras')
model.fit(X_train, y_train, epochs=2)
