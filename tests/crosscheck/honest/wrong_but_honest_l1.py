from tensorflow.keras import Sequential, regularizers
from tensorflow.keras.layers import Dense, Dropout
model = Sequential([Dense(64, activation='relu', kernel_regularizer=regularizers.l1(0.01), input_shape=(input_dim,)), Dropout(0.5),
                    Dense(64, activation='tanh', kernel_regularizer=regularizers.l1(0.01)), Dropout(0.5), Dense(1, activation='sigmoid')])
model.compile(optimizer='sgd', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=2)
