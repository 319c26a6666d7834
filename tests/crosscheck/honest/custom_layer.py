import tensorflow as tf
class MyDense(tf.keras.layers.Dense):
    def __init__(self, n, **kw):
        super().__init__(n, activation='relu', kernel_regularizer=tf.keras.regularizers.l2(0.01), **kw)
model = tf.keras.Sequential([tf.keras.Input((input_dim,)), MyDense(64), tf.keras.layers.Dropout(0.5), MyDense(64), tf.keras.layers.Dropout(0.5),
                             tf.keras.layers.Dense(1, activation='sigmoid')])
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=2)
