# Red con dos capas ocultas, regularización L2 y Dropout
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2

modelo = Sequential()
modelo.add(Dense(64, activation='relu', kernel_regularizer=l2(0.01), input_shape=(input_dim,)))  # capa oculta 1
modelo.add(Dropout(0.5))  # apaga la mitad de las neuronas
modelo.add(Dense(64, activation='relu', kernel_regularizer=l2(0.01)))  # capa oculta 2
modelo.add(Dropout(0.5))
modelo.add(Dense(1, activation='sigmoid'))  # salida binaria
modelo.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
historia = modelo.fit(X_train, y_train, epochs=50, validation_split=0.2)
