import numpy as np
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split
from keras import models, layers, regularizers

X, y = make_moons(n_samples=3000, noise=0.3, random_state=1)
X = np.hstack([X, np.random.RandomState(1).normal(size=(len(X), 18))])
x_train, x_val, y_tr, y_val = train_test_split(X, y, test_size=0.25, random_state=7)
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
x_train = (x_train - mean) / std
x_val = (x_val - mean) / std

reg_model = models.Sequential()
reg_model.add(layers.Dense(16, kernel_regularizer=regularizers.l2(0.002), activation='relu', input_shape=(20,)))
reg_model.add(layers.Dropout(0.4))
reg_model.add(layers.Dense(16, kernel_regularizer=regularizers.l2(0.002), activation='relu'))
reg_model.add(layers.Dropout(0.4))
reg_model.add(layers.Dense(1, activation='sigmoid'))
reg_model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['acc'])

reg_hist = reg_model.fit(x_train, y_tr, epochs=20, batch_size=128, validation_data=(x_val, y_val))

val_loss = reg_hist.history['val_loss']
best = int(np.argmin(val_loss))
print('best epoch', best + 1, 'val_loss', round(val_loss[best], 4))
for epoch, (tl, vl) in enumerate(zip(reg_hist.history['loss'], val_loss), start=1):
    if epoch % 5 == 0:
        print(f'{epoch:3d}  train {tl:.4f}  val {vl:.4f}')
