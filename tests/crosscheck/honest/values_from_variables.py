from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2
UNITS = 64
ACT = 'relu'
LAMBDA = 0.005
RATE = 0.25
model = Sequential()
model.add(Dense(UNITS, activation=ACT, kernel_regularizer=l2(LAMBDA), input_dim=input_dim))
model.add(Dropout(RATE))
model.add(Dense(UNITS // 2, activation=ACT, kernel_regularizer=l2(LAMBDA)))
model.add(Dropout(rate=RATE))
model.add(Dense(1, activation='sigmoid'))
opt = 'adam'
model.compile(optimizer=opt, loss='binary_crossentropy')
EPOCHS = 10
model.fit(X_train, y_train, epochs=EPOCHS, batch_size=32)
