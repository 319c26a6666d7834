from functools import partial
from tensorflow.keras import layers, models, regularizers
RegDense = partial(layers.Dense, activation='relu', kernel_regularizer=regularizers.l2(0.01))
model = models.Sequential([layers.Input((input_dim,)), RegDense(64), layers.Dropout(0.5), RegDense(64), layers.Dropout(0.5),
                           layers.Dense(1, activation='sigmoid')])
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=3)
