from tensorflow.keras.layers import *
from tensorflow.keras.models import *
from tensorflow.keras.regularizers import *
model = Sequential([Dense(64, activation='relu', kernel_regularizer=l2(0.01), input_shape=(input_dim,)), Dropout(0.5),
                    Dense(64, activation='relu', kernel_regularizer=l2(0.01)), Dropout(0.5), Dense(1, activation='sigmoid')])
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
model.fit(X_train, y_train, epochs=3)
