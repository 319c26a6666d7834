from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2
baseline = Sequential([Dense(64, activation='relu', input_shape=(input_dim,)), Dense(64, activation='relu'), Dense(1, activation='sigmoid')])
baseline.compile(optimizer='adam', loss='binary_crossentropy')
baseline.fit(X_train, y_train, epochs=2, verbose=0)
regularized = Sequential([Dense(64, activation='relu', kernel_regularizer=l2(0.01), input_shape=(input_dim,)), Dropout(0.5),
                          Dense(64, activation='relu', kernel_regularizer=l2(0.01)), Dropout(0.5), Dense(1, activation='sigmoid')])
regularized.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
history = regularized.fit(X_train, y_train, epochs=2, validation_split=0.2, verbose=0)
