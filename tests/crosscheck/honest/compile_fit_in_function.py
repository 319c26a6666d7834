from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2
def make():
    m = Sequential([Dense(64, activation='relu', kernel_regularizer=l2(0.01), input_shape=(input_dim,)), Dropout(0.5),
                    Dense(64, activation='relu', kernel_regularizer=l2(0.01)), Dropout(0.5), Dense(1, activation='sigmoid')])
    m.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
    return m
def train(m, epochs=5):
    return m.fit(X_train, y_train, epochs=epochs, validation_split=0.2, verbose=0)
model = make()
history = train(model)
