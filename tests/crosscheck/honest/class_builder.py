import tensorflow as tf
class Builder:
    def __init__(self, lam):
        self.lam = lam
    def dense(self, units, act='relu'):
        return tf.keras.layers.Dense(units, activation=act, kernel_regularizer=tf.keras.regularizers.l2(self.lam))
    def build(self):
        return tf.keras.Sequential([tf.keras.Input((input_dim,)), self.dense(64), tf.keras.layers.Dropout(0.5),
                                    self.dense(64), tf.keras.layers.Dropout(0.5),
                                    tf.keras.layers.Dense(1, activation='sigmoid')])
model = Builder(0.01).build()
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=2)
