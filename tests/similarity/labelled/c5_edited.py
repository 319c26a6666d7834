import numpy as np
import tensorflow as tf
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2
from tensorflow.keras.optimizers import Adam


def build_net(hu=64, dropout=True, rate=0.5, regularize=True, reg=0.0005, lr=0.001):
    """Red de dos capas ocultas."""
    kernel = l2(reg) if regularize else None
    model = Sequential()
    model.add(Dense(hu, activation='relu', kernel_regularizer=kernel, input_dim=input_dim))
    if dropout:
        model.add(Dropout(rate, seed=100))
    model.add(Dense(hu, activation='relu', kernel_regularizer=kernel))
    if dropout:
        model.add(Dropout(rate, seed=100))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(loss='binary_crossentropy', optimizer=Adam(learning_rate=lr), metrics=['accuracy'])
    return model


results = {}
for name, kwargs in {'plain': dict(dropout=False, regularize=False), 'regularized': dict()}.items():
    model = build_net(**kwargs)
    h = model.fit(X_train, y_train, epochs=25, batch_size=32, validation_split=0.25, verbose=False, shuffle=False)
    results[name] = (h.history['accuracy'][-1], h.history['val_accuracy'][-1])
    print(name, 'train %.3f  val %.3f' % results[name])

model = build_net()
model.fit(X_train, y_train, epochs=25, batch_size=32, validation_split=0.25, verbose=False)
print('evaluación en prueba:', model.evaluate(X_test, y_test, verbose=0))
