# Variant: the model is built and compiled correctly but never trained.
# Defect: step 4 is missing; `fit` appears only in a comment and in a function that is never called.
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2

modelo = Sequential([
    Dense(64, activation='relu', kernel_regularizer=l2(0.01), input_shape=(input_dim,)),
    Dropout(0.5),
    Dense(64, activation='relu', kernel_regularizer=l2(0.01)),
    Dropout(0.5),
    Dense(1, activation='sigmoid'),
])
modelo.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
modelo.summary()

# modelo.fit(X_train, y_train, epochs=50, validation_split=0.2)


def entrenar(m):
    return m.fit(X_train, y_train, epochs=50, validation_split=0.2)
