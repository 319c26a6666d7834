from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense, Dropout, LeakyReLU
from tensorflow.keras.regularizers import l2
model = Sequential([Dense(64, kernel_regularizer=l2(0.01), input_shape=(input_dim,)), LeakyReLU(), Dropout(0.5),
                    Dense(64, kernel_regularizer=l2(0.01)), LeakyReLU(negative_slope=0.1), Dropout(0.5), Dense(1, activation='sigmoid')])
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=2)
