from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2
params = dict(activation='relu', kernel_regularizer=l2(0.01))
model = Sequential()
model.add(Dense(64, input_shape=(input_dim,), **params))
model.add(Dropout(0.5))
model.add(Dense(64, **params))
model.add(Dropout(0.5))
model.add(Dense(1, activation='sigmoid'))
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=3)
