from keras import regularizers
from keras.models import Sequential
from keras.layers import Dense, Activation, BatchNormalization, Dropout
def simple_nn(input_dim, dropout_proba=0.3, lam=0.001, optimizer="adam", loss="binary_crossentropy"):
    model = Sequential([
        Dense(16, input_dim=input_dim, kernel_regularizer=regularizers.l2(lam)),
        BatchNormalization(),
        Activation('relu'),
        Dropout(dropout_proba),
        Dense(16, kernel_regularizer=regularizers.l2(lam)),
        BatchNormalization(),
        Activation('relu'),
        Dropout(dropout_proba),
        Dense(1),
        Activation('sigmoid'),
    ])
    model.compile(optimizer=optimizer, loss=loss, metrics=['accuracy'])
    return model
clf = simple_nn(input_dim)
clf.fit(X_train, y_train, epochs=4, verbose=0)
