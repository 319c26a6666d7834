import numpy as np
import tensorflow as tf
from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense, Dropout, BatchNormalization, Activation

tf.random.set_seed(42)
np.random.seed(42)

clf = Sequential(name='bn_l2_dropout')
clf.add(Dense(256, kernel_regularizer='l2', input_shape=(input_dim,)))
clf.add(BatchNormalization())
clf.add(Activation('relu'))
clf.add(Dropout(0.5))
clf.add(Dense(128, kernel_regularizer='l2'))
clf.add(BatchNormalization())
clf.add(Activation('relu'))
clf.add(Dropout(0.5))
clf.add(Dense(1, activation='sigmoid'))

clf.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True),
            loss='binary_crossentropy', metrics=['accuracy'])
train_log = clf.fit(X_train, y_train, epochs=25, batch_size=8, validation_split=0.1, verbose=1)
test_loss, test_acc = clf.evaluate(X_test, y_test)
print('overfit gap', train_log.history['accuracy'][-1] - test_acc)
