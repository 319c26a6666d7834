import tensorflow as tf
from tensorflow.keras import layers, regularizers
class Net(tf.keras.Model):
    def __init__(self, hidden=64, rate=0.5, lam=0.01):
        super().__init__()
        self.d1 = layers.Dense(hidden, activation='relu', kernel_regularizer=regularizers.l2(lam))
        self.dr1 = layers.Dropout(rate)
        self.d2 = layers.Dense(hidden, activation='relu', kernel_regularizer=regularizers.l2(lam))
        self.dr2 = layers.Dropout(rate)
        self.out = layers.Dense(1, activation='sigmoid')
    def call(self, x, training=False):
        x = self.dr1(self.d1(x), training=training)
        x = self.dr2(self.d2(x), training=training)
        return self.out(x)
model = Net()
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
model.fit(X_train, y_train, epochs=3)
