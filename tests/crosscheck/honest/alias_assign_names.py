import tensorflow as tf
D = tf.keras.layers.Dense
Drop = tf.keras.layers.Dropout
reg = tf.keras.regularizers.l2
model = tf.keras.Sequential([D(64, activation='relu', kernel_regularizer=reg(0.01), input_shape=(input_dim,)), Drop(0.5),
                             D(64, activation='relu', kernel_regularizer=reg(0.01)), Drop(0.5), D(1, activation='sigmoid')])
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=2)
