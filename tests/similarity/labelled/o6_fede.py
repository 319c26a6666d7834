import tensorflow as tf
from tensorflow.keras import layers, regularizers


class RedRegularizada(tf.keras.Model):
    def __init__(self, unidades=(40, 20), tasa=0.35, factor=1e-3):
        super().__init__()
        self.oculta1 = layers.Dense(unidades[0], activation='relu', kernel_regularizer=regularizers.l2(factor))
        self.drop1 = layers.Dropout(tasa)
        self.oculta2 = layers.Dense(unidades[1], activation='relu', kernel_regularizer=regularizers.l2(factor))
        self.drop2 = layers.Dropout(tasa)
        self.salida = layers.Dense(1, activation='sigmoid')

    def call(self, x, training=False):
        x = self.drop1(self.oculta1(x), training=training)
        x = self.drop2(self.oculta2(x), training=training)
        return self.salida(x)


red = RedRegularizada()
red.compile(optimizer='nadam', loss='binary_crossentropy', metrics=['accuracy'])
registro = red.fit(X_train, y_train, epochs=30, validation_split=0.2, batch_size=32, verbose=0)
print({k: round(v[-1], 3) for k, v in registro.history.items()})
