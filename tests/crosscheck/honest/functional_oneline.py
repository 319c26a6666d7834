import tensorflow as tf
i = tf.keras.Input((input_dim,)); h = tf.keras.layers.Dropout(0.4)(tf.keras.layers.Dense(48, 'relu', kernel_regularizer='l2')(i)); h = tf.keras.layers.Dropout(0.4)(tf.keras.layers.Dense(24, 'relu', kernel_regularizer='l2')(h)); o = tf.keras.layers.Dense(1, 'sigmoid')(h)
net = tf.keras.Model(i, o); net.compile(optimizer='adam', loss='binary_crossentropy'); net.fit(X_train, y_train, epochs=2)
