"""The unit's drawings from the CLI's own result.json (written by ``autograder grade`` over the fixtures in
tests/fixtures/unit/, kept in data/unit/): a report rebuilt from result.json (a reviewer's change) draws the
same blocks. No Keras here: these run in milliseconds."""
from __future__ import annotations

import json
from pathlib import Path

from autograder.integrations.result_file import result_from_dict
from autograder.render import render_html, render_markdown
from autograder.render.arch_view import architecture_blocks
from autograder.render.result_json import result_to_dict

DATA = Path(__file__).parent / "data" / "unit"


def stored(name):
    return result_from_dict(json.loads((DATA / f"{name}.result.json").read_text()))


def roles(result):
    return [b.role for b in architecture_blocks(result)]


def test_batch_norm_near_miss_from_its_result_json():
    result = stored("batch-norm")
    assert roles(result) == ["input", "batchnorm", "hidden", "batchnorm", "dropout", "hidden", "dropout", "missing",
                             "output"]
    missing = architecture_blocks(result)[7]
    assert missing.fix == "BatchNormalization()," and "'dense_1'" in missing.problems[0]
    assert 'class="block batchnorm ok"' in render_html(result)


def test_data_augmentation_generator_unused_and_flow_from_their_result_json():
    unused = stored("data-augmentation")
    blocks = architecture_blocks(unused)
    assert roles(unused)[:2] == ["missing", "input"] and blocks[0].title == "datagen.flow esperado aquí"
    assert blocks[0].fix == "model.fit(datagen.flow(X_train, y_train, batch_size=32), epochs=10)"
    assert ("kernel_size", "(3, 3)") in blocks[2].settings and blocks[1].settings == (("Forma", "(32, 32, 3)"),)

    flow = stored("data-augmentation-flow")
    first = architecture_blocks(flow)[0]
    assert first.role == "augmentation" and first.title == "ImageDataGenerator · flow" and first.tone == "ok"
    assert first.settings == (("Transformaciones", "rotation, width_shift, height_shift, horizontal_flip"),)


def test_transfer_learning_course_example_from_its_result_json():
    result = stored("transfer-learning")
    assert roles(result) == ["input", "base", "other", "hidden", "output"]
    base = architecture_blocks(result)[1]
    assert dict(base.settings) == {"Capas": "18", "Pesos": "14 714 688",
                                   "Pesos iniciales": "ImageNet pedidos (no disponibles al corregir: aleatorios)",
                                   "include_top": "False", "Al compilar": "congelada (no se entrena)"}
    assert base.where == "course_example.py, línea 6" and not base.problems
    markdown = render_markdown(result)
    assert "Red preentrenada · VGG16" in markdown and "block1_conv1" not in markdown


def test_the_unit_results_survive_another_round_trip():
    for path in sorted(DATA.glob("*.result.json")):
        result = result_from_dict(json.loads(path.read_text()))
        again = result_from_dict(json.loads(json.dumps(result_to_dict(result))))
        assert architecture_blocks(again) == architecture_blocks(result), path.name
