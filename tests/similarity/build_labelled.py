"""Writes the labelled similarity set (tests/similarity/labelled/): python tests/similarity/build_labelled.py

Originals are modelled on public code (see labels.json "_sources"); copies derive from them by the edits named
in labels.json "variants". Re-run after changing the starter notebook; commit the written files."""
import json, sys
from pathlib import Path
import nbformat

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "labelled"
TEMPLATE = nbformat.read(str(ROOT / "assignments/l2-dropout/template/tarea_l2_dropout.ipynb"), 4)
T_CODE = [c.source for c in TEMPLATE.cells if c.cell_type == "code"]
T_IMPORTS, T_DATA, T_MODEL, T_COMPILE, T_FIT, T_EVAL, T_CHECK = T_CODE

def nb(name, cells):
    book = nbformat.v4.new_notebook()
    book.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                     "language_info": {"name": "python"}}
    for c in cells:
        if c.startswith("MD:"):
            book.cells.append(nbformat.v4.new_markdown_cell(c[3:]))
        else:
            book.cells.append(nbformat.v4.new_code_cell(c))
    nbformat.write(book, str(OUT / f"{name}.ipynb"))

def py(name, text):
    (OUT / f"{name}.py").write_text(text.lstrip("\n"), encoding="utf-8")

def template_with(model, compile_, fit, evaluation=T_EVAL, extra=()):
    md = [c.source for c in TEMPLATE.cells if c.cell_type == "markdown"]
    cells = ["MD:" + md[0], T_IMPORTS, T_DATA, model, compile_, fit, evaluation, *extra]
    return cells

# ---------------------------------------------------------------- o1: template filled in, own choices + plots
O1_MODEL = '''model = Sequential([
    Input(shape=(input_dim,)),
    Dense(32, activation='relu', kernel_regularizer=l2(0.001)),
    Dropout(0.3),
    Dense(16, activation='relu', kernel_regularizer=l2(0.001)),
    Dropout(0.3),
    Dense(1, activation='sigmoid'),
])
model.summary()'''
O1_COMPILE = '''model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy', tf.keras.metrics.AUC(name='auc')])'''
O1_FIT = '''from tensorflow.keras.callbacks import EarlyStopping
parada = EarlyStopping(monitor='val_loss', patience=8, restore_best_weights=True)
history = model.fit(X_train, y_train, epochs=120, batch_size=16, validation_split=0.2,
                    callbacks=[parada], verbose=0)
print("épocas entrenadas:", len(history.history['loss']))'''
O1_PLOT = '''import matplotlib.pyplot as plt
def dibujar_curvas(hist, metrica):
    plt.figure(figsize=(6, 4))
    plt.plot(hist.history[metrica], label='entrenamiento')
    plt.plot(hist.history['val_' + metrica], label='validación')
    plt.xlabel('época')
    plt.ylabel(metrica)
    plt.legend()
    plt.grid(alpha=0.3)
    plt.show()

for metrica in ['loss', 'accuracy', 'auc']:
    dibujar_curvas(history, metrica)'''
O1_EVAL = '''loss, accuracy, auc = model.evaluate(X_test, y_test, verbose=0)
print(f"Exactitud en prueba: {accuracy:.3f}  AUC: {auc:.3f}")
brecha = history.history['val_loss'][-1] - history.history['loss'][-1]
print(f"Diferencia validación - entrenamiento al final: {brecha:.4f}")'''
nb("o1_ana", template_with(O1_MODEL, O1_COMPILE, O1_FIT, O1_EVAL, [O1_PLOT]))

# c1a: renamed variables
def rename(text, mapping):
    import re
    for a, b in mapping:
        text = re.sub(r"(?<![.\w'])" + a + r"\b", b, text)
    return text
R = [("history", "registro"), ("parada", "early"), ("dibujar_curvas", "graficar"), ("metrica", "m"),
     ("brecha", "gap"), ("hist", "h"), ("model", "red")]
c1a = [rename(c, R) if not c.startswith("MD:") and c not in (T_IMPORTS, T_DATA) else c
       for c in template_with(O1_MODEL, O1_COMPILE, O1_FIT, O1_EVAL, [O1_PLOT])]
nb("c1a_renamed", c1a)
# c1b: comments rewritten and added, blank lines, print texts changed, a markdown cell
c1b = template_with(
    "# Red con dos capas ocultas regularizadas\n" + O1_MODEL.replace("Dropout(0.3),", "Dropout(0.3),  # apaga el 30 %"),
    "# compilamos\n" + O1_COMPILE,
    O1_FIT.replace('"épocas entrenadas:"', '"Epochs run:"').replace("verbose=0)", "verbose=0)  # silent\n"),
    O1_EVAL.replace("Exactitud en prueba", "Test accuracy").replace("Diferencia validación - entrenamiento al final", "Final gap"),
    ["MD:## Curvas de aprendizaje\nAquí se ve si hay sobreajuste.", "# gráficas\n\n" + O1_PLOT])
nb("c1b_comments", c1b)
# c1c: cells reordered (plot helper first, evaluation before plots), EarlyStopping import moved up
c1c_imports = T_IMPORTS + "\nfrom tensorflow.keras.callbacks import EarlyStopping\nimport matplotlib.pyplot as plt"
plot_def, plot_loop = O1_PLOT.replace("import matplotlib.pyplot as plt\n", "").split("\n\n")
c1c = [c1c_imports, plot_def, T_DATA, O1_MODEL, O1_COMPILE, O1_FIT.replace("from tensorflow.keras.callbacks import EarlyStopping\n", ""),
       plot_loop, O1_EVAL]
nb("c1c_reordered", c1c)

# ---------------------------------------------------------------- o2: Keras 2 style .add(), own data (after kaiyuanmifen/fart Trial.py)
O2 = '''
import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from keras import models, layers, regularizers

X, y = make_classification(n_samples=2000, n_features=20, n_informative=8, random_state=7)
x_train, x_val, y_tr, y_val = train_test_split(X, y, test_size=0.25, random_state=7)
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
x_train = (x_train - mean) / std
x_val = (x_val - mean) / std

l2_model = models.Sequential()
l2_model.add(layers.Dense(16, kernel_regularizer=regularizers.l2(0.002), activation='relu', input_shape=(20,)))
l2_model.add(layers.Dropout(0.4))
l2_model.add(layers.Dense(16, kernel_regularizer=regularizers.l2(0.002), activation='relu'))
l2_model.add(layers.Dropout(0.4))
l2_model.add(layers.Dense(1, activation='sigmoid'))
l2_model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['acc'])

l2_hist = l2_model.fit(x_train, y_tr, epochs=20, batch_size=128, validation_data=(x_val, y_val))

val_loss = l2_hist.history['val_loss']
best = int(np.argmin(val_loss))
print('best epoch', best + 1, 'val_loss', round(val_loss[best], 4))
for epoch, (tl, vl) in enumerate(zip(l2_hist.history['loss'], val_loss), start=1):
    if epoch % 5 == 0:
        print(f'{epoch:3d}  train {tl:.4f}  val {vl:.4f}')
'''
py("o2_bruno", O2)
# c2: dataset changed (make_moons with noise features) + a couple of renames
C2 = O2.replace('''from sklearn.datasets import make_classification''', '''from sklearn.datasets import make_moons''').replace(
    '''X, y = make_classification(n_samples=2000, n_features=20, n_informative=8, random_state=7)''',
    '''X, y = make_moons(n_samples=3000, noise=0.3, random_state=1)
X = np.hstack([X, np.random.RandomState(1).normal(size=(len(X), 18))])''').replace("l2_model", "reg_model").replace("l2_hist", "reg_hist")
py("c2_dataset", C2)

# ---------------------------------------------------------------- o3: Functional API with callbacks
O3 = [
'''import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers, regularizers''',
'''MD:## Modelo con la API funcional''',
'''entradas = keras.Input(shape=(input_dim,), name='entradas')
x = layers.Dense(48, activation='elu', kernel_regularizer=regularizers.l2(5e-4))(entradas)
x = layers.Dropout(0.25)(x)
x = layers.Dense(24, activation='elu', kernel_regularizer=regularizers.l2(5e-4))(x)
x = layers.Dropout(0.25)(x)
salida = layers.Dense(1, activation='sigmoid', name='salida')(x)
modelo = keras.Model(inputs=entradas, outputs=salida, name='red_funcional')
modelo.summary()''',
'''modelo.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3),
               loss=keras.losses.BinaryCrossentropy(),
               metrics=[keras.metrics.BinaryAccuracy(name='acc')])
callbacks = [keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=4),
             keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)]
hist = modelo.fit(X_train, y_train, validation_split=0.15, epochs=200, batch_size=64,
                  callbacks=callbacks, verbose=2)''',
'''resultado = modelo.evaluate(X_test, y_test, return_dict=True, verbose=0)
print(resultado)
pred = (modelo.predict(X_test, verbose=0).ravel() > 0.5).astype(int)
print('errores:', int((pred != y_test).sum()), 'de', len(y_test))''',
]
nb("o3_carla", O3)

# ---------------------------------------------------------------- o4: pandas + tf.keras prefix Sequential (after cyrilvincent/ML, animshamura/You-Know-DL)
O4_DATA = '''import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

cancer = load_breast_cancer(as_frame=True)
df = cancer.frame
print(df.shape)
print(df['target'].value_counts(normalize=True))
features = df.drop(columns=['target'])
target = df['target'].values
X_tr, X_te, y_tr, y_te = train_test_split(features, target, test_size=0.25, random_state=0)
scaler = MinMaxScaler()
X_tr = scaler.fit_transform(X_tr)
X_te = scaler.transform(X_te)'''
O4_MODEL = '''import tensorflow as tf
net = tf.keras.Sequential([
    tf.keras.layers.Dense(100, activation='tanh', kernel_regularizer=tf.keras.regularizers.l2(0.02),
                          input_shape=(X_tr.shape[1],)),
    tf.keras.layers.Dropout(0.2),
    tf.keras.layers.Dense(50, activation='tanh', kernel_regularizer=tf.keras.regularizers.l2(0.02)),
    tf.keras.layers.Dropout(0.2),
    tf.keras.layers.Dense(1, activation='sigmoid')
])'''
O4_REST = [
'''net.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
            loss=tf.keras.losses.BinaryCrossentropy(), metrics=['accuracy'])
net.summary()''',
'''h = net.fit(X_tr, y_tr, epochs=60, batch_size=20, validation_data=(X_te, y_te), verbose=0)
frame = pd.DataFrame(h.history)
frame[['loss', 'val_loss']].plot(title='Pérdida por época')
frame[['accuracy', 'val_accuracy']].plot(title='Exactitud por época')
print(frame.tail())''',
'''from sklearn.metrics import classification_report, confusion_matrix
probs = net.predict(X_te).ravel()
labels = (probs >= 0.5).astype(int)
print(confusion_matrix(y_te, labels))
print(classification_report(y_te, labels, target_names=cancer.target_names))''',
]
nb("o4_diego", [O4_DATA, O4_MODEL, *O4_REST])
# c4: the same notebook with the model rewritten with the Functional API
C4_MODEL = '''import tensorflow as tf
inp = tf.keras.Input(shape=(X_tr.shape[1],))
hidden = tf.keras.layers.Dense(100, activation='tanh', kernel_regularizer=tf.keras.regularizers.l2(0.02))(inp)
hidden = tf.keras.layers.Dropout(0.2)(hidden)
hidden = tf.keras.layers.Dense(50, activation='tanh', kernel_regularizer=tf.keras.regularizers.l2(0.02))(hidden)
hidden = tf.keras.layers.Dropout(0.2)(hidden)
out = tf.keras.layers.Dense(1, activation='sigmoid')(hidden)
net = tf.keras.Model(inp, out)'''
nb("c4_functional", [O4_DATA, C4_MODEL, *O4_REST])

# ---------------------------------------------------------------- o5: builder function comparing with/without regularization (after Hilpisch, ch. 7)
O5 = '''
import numpy as np
import tensorflow as tf
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2
from tensorflow.keras.optimizers import Adam


def create_model(hu=128, dropout=True, rate=0.3, regularize=True, reg=0.0005, lr=0.001):
    """Two hidden layers; optional L2 on the kernels and Dropout after each."""
    kernel = l2(reg) if regularize else None
    model = Sequential()
    model.add(Dense(hu, activation='relu', kernel_regularizer=kernel, input_dim=input_dim))
    if dropout:
        model.add(Dropout(rate, seed=100))
    model.add(Dense(hu, activation='relu', kernel_regularizer=kernel))
    if dropout:
        model.add(Dropout(rate, seed=100))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(loss='binary_crossentropy', optimizer=Adam(learning_rate=lr), metrics=['accuracy'])
    return model


results = {}
for name, kwargs in {'plain': dict(dropout=False, regularize=False), 'regularized': dict()}.items():
    model = create_model(**kwargs)
    h = model.fit(X_train, y_train, epochs=40, batch_size=32, validation_split=0.25, verbose=False, shuffle=False)
    results[name] = (h.history['accuracy'][-1], h.history['val_accuracy'][-1])
    print(name, 'train %.3f  val %.3f' % results[name])

model = create_model()
model.fit(X_train, y_train, epochs=40, batch_size=32, validation_split=0.25, verbose=False)
print('test', model.evaluate(X_test, y_test, verbose=0))
'''
py("o5_elena", O5)
# c5: lightly edited copy: other hyperparameters, function renamed, docstring changed, an extra print
C5 = O5.replace("create_model", "build_net").replace("hu=128", "hu=64").replace("rate=0.3", "rate=0.5").replace(
    '"""Two hidden layers; optional L2 on the kernels and Dropout after each."""', '"""Red de dos capas ocultas."""').replace(
    "epochs=40", "epochs=25").replace("print('test', ", "print('evaluación en prueba:', ")
py("c5_edited", C5)

# ---------------------------------------------------------------- o6: subclassed model
O6 = '''
import tensorflow as tf
from tensorflow.keras import layers, regularizers


class RedRegularizada(tf.keras.Model):
    def __init__(self, unidades=(40, 20), tasa=0.35, factor=1e-3):
        super().__init__()
        self.oculta1 = layers.Dense(unidades[0], activation='relu', kernel_regularizer=regularizers.l2(factor))
        self.drop1 = layers.Dropout(tasa)
        self.oculta2 = layers.Dense(unidades[1], activation='relu', kernel_regularizer=regularizers.l2(factor))
        self.drop2 = layers.Dropout(tasa)
        self.salida = layers.Dense(1, activation='sigmoid')

    def call(self, x, training=False):
        x = self.drop1(self.oculta1(x), training=training)
        x = self.drop2(self.oculta2(x), training=training)
        return self.salida(x)


red = RedRegularizada()
red.compile(optimizer='nadam', loss='binary_crossentropy', metrics=['accuracy'])
registro = red.fit(X_train, y_train, epochs=30, validation_split=0.2, batch_size=32, verbose=0)
print({k: round(v[-1], 3) for k, v in registro.history.items()})
'''
py("o6_fede", O6)

# ---------------------------------------------------------------- o7: template filled, minimal, own values
O7_MODEL = T_MODEL.replace(
    "    # TODO: primera capa oculta Dense con activación 'relu' y regularización L2 en los pesos\n", "    Dense(128, activation='relu', kernel_regularizer=l2(0.005)),\n").replace(
    "    # TODO: Dropout después de la primera capa oculta\n", "    Dropout(0.4),\n").replace(
    "    # TODO: segunda capa oculta Dense con activación 'relu' y regularización L2 en los pesos\n", "    Dense(64, activation='relu', kernel_regularizer=l2(0.005)),\n").replace(
    "    # TODO: Dropout después de la segunda capa oculta\n", "    Dropout(0.4),\n")
O7_COMPILE = "model.compile(optimizer=tf.keras.optimizers.RMSprop(learning_rate=0.0005), loss='binary_crossentropy', metrics=['accuracy'])"
O7_FIT = "history = model.fit(X_train, y_train, epochs=30, batch_size=64, validation_split=0.2)"
O7_EVAL = '''loss, accuracy = model.evaluate(X_test, y_test, verbose=0)
print(f"Exactitud en prueba: {accuracy:.3f}")
print(min(history.history['val_loss']), history.history['val_loss'].index(min(history.history['val_loss'])))'''
nb("o7_gala", template_with(O7_MODEL, O7_COMPILE, O7_FIT, O7_EVAL, [T_CHECK]))
# c7: verbatim copy of the code (only the markdown and outputs differ)
c7 = template_with(O7_MODEL, O7_COMPILE, O7_FIT, O7_EVAL, [T_CHECK])
c7[0] = "MD:# Tarea de regularización\nEntrega de Pablo."
nb("c7_copy", c7)

# ---------------------------------------------------------------- o8: string regularizer, BatchNormalization + Activation layers, SGD
O8 = '''
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
'''
py("o8_hugo", O8)

# ---------------------------------------------------------------- the published solution and light edits
REF = (ROOT / "solutions/reference.py").read_text()
py("p1_verbatim", REF)
P2_MODEL = T_MODEL.replace(
    "    # TODO: primera capa oculta Dense con activación 'relu' y regularización L2 en los pesos\n", "    Dense(64, activation='relu', kernel_regularizer=l2(0.01)),\n").replace(
    "    # TODO: Dropout después de la primera capa oculta\n", "    Dropout(0.5),\n").replace(
    "    # TODO: segunda capa oculta Dense con activación 'relu' y regularización L2 en los pesos\n", "    Dense(64, activation='relu', kernel_regularizer=l2(0.01)),\n").replace(
    "    # TODO: Dropout después de la segunda capa oculta\n", "    Dropout(0.5),\n")
nb("p2_template_filled", template_with(P2_MODEL, "model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])",
                                       "model.fit(X_train, y_train, epochs=50, validation_split=0.2)", T_EVAL, [T_CHECK]))
P3 = ("# Solución de la tarea: red con L2 y Dropout\n" + rename(REF, [("model", "modelo")]).replace("epochs=50", "epochs=100")
      .replace("Dropout(0.5),\n    Dense(1", "Dropout(0.5),  # segunda capa de dropout\n    Dense(1")
      + "\nprint(modelo.evaluate(X_test, y_test))\n")
py("p3_renamed", P3)
P4 = '''
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler
X, y = make_classification(n_samples=1200, n_features=12, random_state=3)
X = StandardScaler().fit_transform(X)
X_train, y_train = X[:1000], y[:1000]
X_test, y_test = X[1000:], y[1000:]
input_dim = X.shape[1]

''' + REF
py("p4_own_data", P4)


# ---------------------------------------------------------------- o9, o10: two honest template fills that follow the starter's hints
def fill(units1, units2, factor, rate):
    return T_MODEL.replace(
        "    # TODO: primera capa oculta Dense con activación 'relu' y regularización L2 en los pesos\n", f"    Dense({units1}, activation='relu', kernel_regularizer=l2({factor})),\n").replace(
        "    # TODO: Dropout después de la primera capa oculta\n", f"    Dropout({rate}),\n").replace(
        "    # TODO: segunda capa oculta Dense con activación 'relu' y regularización L2 en los pesos\n", f"    Dense({units2}, activation='relu', kernel_regularizer=l2({factor})),\n").replace(
        "    # TODO: Dropout después de la segunda capa oculta\n", f"    Dropout({rate}),\n")
HINT_EVAL = '''loss, accuracy = model.evaluate(X_test, y_test, verbose=0)
print(f"Exactitud en prueba: {accuracy:.3f}")'''
nb("o9_ines", template_with(fill(128, 32, 0.001, 0.2), "model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])",
                            "history = model.fit(X_train, y_train, epochs=80, validation_split=0.2)", HINT_EVAL, [T_CHECK]))
nb("o10_juan", template_with(fill(256, 128, 0.0001, 0.6), "model.compile(optimizer='sgd', loss='binary_crossentropy', metrics=['accuracy'])",
                             "history = model.fit(X_train, y_train, epochs=40, batch_size=16, validation_split=0.3)",
                             HINT_EVAL + "\nprint(history.history['val_accuracy'][-1])",
                             ['''import matplotlib.pyplot as plt
plt.plot(history.history['loss'], label='train')
plt.plot(history.history['val_loss'], label='val')
plt.legend()
plt.show()''', T_CHECK]))

labels = {
    "_doc": "Labelled similarity set: pairs of the same work (positives); every other pair is a negative, except pairs of "
            "two copies of the published solution (the published flag's job, left out of the pair evaluation). "
            "'published' must be flagged, every other submission must not.",
    "same_work": [["o1_ana", "c1a_renamed"], ["o1_ana", "c1b_comments"], ["o1_ana", "c1c_reordered"],
                  ["c1a_renamed", "c1b_comments"], ["c1a_renamed", "c1c_reordered"], ["c1b_comments", "c1c_reordered"],
                  ["o2_bruno", "c2_dataset"], ["o4_diego", "c4_functional"], ["o5_elena", "c5_edited"],
                  ["o7_gala", "c7_copy"]],
    "_sources": {
        "o2_bruno": "models.Sequential().add(layers.Dense(..., kernel_regularizer=regularizers.l2(...))) as in kaiyuanmifen/fart Trial.py",
        "o4_diego": "breast-cancer data and tf.keras-prefixed Sequential as in animshamura/You-Know-DL ann.py and cyrilvincent/ML DL09-02-simple-keras.py",
        "o5_elena": "a create_model(hl, hu, dropout, rate, regularize, reg) builder as in Y. Hilpisch, AI in Finance, ch. 7 (fliphtml5.com/fzqli/xymb)",
        "o3_carla": "Functional API with keras.Input and layers.Dense(...)(x), after the Keras guides",
        "o1_ana, o7_gala, o9_ines, o10_juan, p2_template_filled": "assignments/l2-dropout/template/tarea_l2_dropout.ipynb filled in",
        "o6_fede": "a subclassed tf.keras.Model, as solutions/variants/subclassed.py",
        "o8_hugo": "string regularizer and BatchNormalization/Activation layers, as in RyanBarbalho/DeepLearningWithPython"
    },
    "published": ["p1_verbatim", "p2_template_filled", "p3_renamed", "p4_own_data"],
    "variants": {
        "c1a_renamed": "o1_ana with every variable and function renamed",
        "c1b_comments": "o1_ana with comments rewritten and added, printed texts translated, a markdown cell",
        "c1c_reordered": "o1_ana with cells reordered and an import moved",
        "c2_dataset": "o2_bruno with a different dataset cell and renamed model",
        "c4_functional": "o4_diego with the Sequential model rewritten with the Functional API",
        "c5_edited": "o5_elena with other hyperparameters, a renamed function and docstring",
        "c7_copy": "o7_gala's code unchanged (title cell differs)",
        "p1_verbatim": "the published solution verbatim",
        "p2_template_filled": "the starter notebook filled in with the published solution's lines",
        "p3_renamed": "the published solution with model renamed, epochs changed, comments and a print added",
        "p4_own_data": "the published solution after a dataset cell of the student's own",
        "o9_ines": "honest: the starter filled in following its hints, own values",
        "o10_juan": "honest: the starter filled in following its hints, other values, a loss plot",
    },
}
(OUT / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
