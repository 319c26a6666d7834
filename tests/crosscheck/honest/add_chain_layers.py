from tensorflow.keras import models, layers, regularizers
m = models.Sequential()
m.add(layers.Dense(16, kernel_regularizer=regularizers.l2(0.001),
                   activation='relu', input_shape=(30,)))
m.add(layers.Dropout(0.5))
m.add(layers.Dense(16, kernel_regularizer=regularizers.l2(0.001),
                   activation='relu'))
m.add(layers.Dropout(0.5))
m.add(layers.Dense(1, activation='sigmoid'))
m.compile(optimizer='adam', loss='binary_crossentropy', metrics=['acc'])
hist = m.fit(X_train, y_train,
             epochs=20,
             batch_size=512,
             validation_data=(X_test, y_test))
