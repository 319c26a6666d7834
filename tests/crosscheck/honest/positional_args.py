from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2
model = Sequential()
model.add(Dense(64, 'relu', True, 'glorot_uniform', 'zeros', l2(0.01), input_shape=(input_dim,)))
model.add(Dropout(0.5))
model.add(Dense(64, 'relu', kernel_regularizer=l2(0.01)))
model.add(Dropout(0.5))
model.add(Dense(1, 'sigmoid'))
model.compile('adam', 'binary_crossentropy')
model.fit(X_train, y_train, 32, 3)
