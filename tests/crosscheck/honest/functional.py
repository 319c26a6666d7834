from tensorflow.keras import Input, Model
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2
inputs = Input(shape=(input_dim,))
x = Dense(64, activation='relu', kernel_regularizer=l2(0.01))(inputs)
x = Dropout(0.5)(x)
x = Dense(32, activation='relu',
          kernel_regularizer=l2(0.01))(x)
x = Dropout(0.5)(x)
outputs = Dense(1, activation='sigmoid')(x)
model = Model(inputs=inputs, outputs=outputs)
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
model.fit(X_train, y_train, epochs=10, validation_split=0.2)
