import pandas as pd
import matplotlib.pyplot as plt
import seaborn as sns
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2
sns.set_theme()
df = pd.DataFrame(X_train)
print(df.describe().T.head())
model = Sequential([Dense(64, activation='relu', kernel_regularizer=l2(0.01), input_shape=(input_dim,)), Dropout(0.5),
                    Dense(64, activation='relu', kernel_regularizer=l2(0.01)), Dropout(0.5), Dense(1, activation='sigmoid')])
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
h = model.fit(X_train, y_train, epochs=5, validation_split=0.2, verbose=0)
pd.DataFrame(h.history).plot()
plt.show()
