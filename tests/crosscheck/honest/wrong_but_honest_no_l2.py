from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
model = Sequential([Dense(64, activation='relu', input_shape=(input_dim,)), Dropout(0.5), Dense(64, activation='relu'), Dropout(0.5),
                    Dense(1, activation='sigmoid')])
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=2)
