from tensorflow.keras.layers import Dense as FC, Dropout as Drop
from tensorflow.keras.regularizers import l2 as ridge
from tensorflow.keras.models import Sequential as Seq
model = Seq()
model.add(FC(64, activation='relu', kernel_regularizer=ridge(0.01), input_shape=(input_dim,)))
model.add(Drop(0.5))
model.add(FC(64, activation='relu', kernel_regularizer=ridge(0.01)))
model.add(Drop(0.5))
model.add(FC(1, activation='sigmoid'))
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=2)
