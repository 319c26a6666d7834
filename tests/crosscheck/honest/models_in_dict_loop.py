from tensorflow.keras import Sequential, layers, regularizers
def model_for(lam, rate):
    return Sequential([layers.Input((input_dim,)),
                       layers.Dense(32, activation='relu', kernel_regularizer=regularizers.l2(lam)), layers.Dropout(rate),
                       layers.Dense(32, activation='relu', kernel_regularizer=regularizers.l2(lam)), layers.Dropout(rate),
                       layers.Dense(1, activation='sigmoid')])
results = {}
for lam, rate in [(0.0001, 0.2), (0.01, 0.5)]:
    m = model_for(lam, rate)
    m.compile(optimizer='adam', loss='binary_crossentropy')
    results[(lam, rate)] = m.fit(X_train, y_train, epochs=1, verbose=0).history['loss'][-1]
print(results)
