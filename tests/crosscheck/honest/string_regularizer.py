from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense, Dropout
model = Sequential([Dense(64, activation='relu', kernel_regularizer='l2', input_shape=(input_dim,)), Dropout(0.5),
                    Dense(64, activation='relu', kernel_regularizer='l2'), Dropout(0.5), Dense(1, activation='sigmoid')])
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=2)
