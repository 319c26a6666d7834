import tensorflow as tf
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2, l1

# Correct, as a subclassed model (attributes defined in a different order than called).
class Red(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.salida = Dense(1, activation='sigmoid')
        self.oculta1 = Dense(64, activation='relu', kernel_regularizer=l2(0.01))
        self.drop1 = Dropout(0.5)
        self.oculta2 = Dense(32, activation='relu', kernel_regularizer='l2')
        self.drop2 = Dropout(0.4)

    def call(self, x, training=False):
        x = self.drop1(self.oculta1(x), training=training)
        x = self.drop2(self.oculta2(x), training=training)
        return self.salida(x)

red = Red()
red.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])
red.fit(X_train, y_train, epochs=20, validation_split=0.1, verbose=2)
