"""The reports' environment section, the folded errors and the class summary's environment table."""
from __future__ import annotations

import json
import re
from dataclasses import replace

from autograder.diagnosis import diagnose
from autograder.integrations.result_file import result_from_dict
from autograder.render import render_html, render_markdown, render_summary_html, render_summary_markdown
from autograder.render.environment_view import class_environment, environment_view, errors_view
from autograder.render.result_json import result_to_dict
from autograder.types import (
    DownloadAttempt,
    ErrorFrame,
    Keras2Note,
    SourceLocation,
    StoodInModule,
    StudentError,
)
from tests.render import helpers as h


def at(cell: int, line: int) -> SourceLocation:
    return SourceLocation(cell=cell, line=line)


def frame(cell: int, line: int, code: str, name: str = "<module>") -> tuple[ErrorFrame, ...]:
    return (ErrorFrame(at(cell, line), name, code),)


def colab_result(lang: str = "es", sub_id: str = "colab"):
    """A Colab notebook: seaborn missing (a dozen NameErrors follow), wandb stood in, a CSV it had at home,
    a Keras 2 path, and one error of the student's own with two followers."""
    errors = [StudentError("ModuleNotFoundError", "No module named 'seaborn'", at(1, 3),
                           frames=frame(1, 3, "import seaborn as sns"), defines=("sns",))]
    errors += [StudentError("NameError", "name 'sns' is not defined", at(5, i), name="sns",
                            frames=frame(5, i, "sns.lineplot(...)")) for i in range(1, 12)]
    errors += [
        StudentError("FileNotFoundError", "[Errno 2] No such file or directory: 'heart.csv'", at(2, 1),
                     frames=frame(2, 1, "df = pd.read_csv('heart.csv')"), defines=("df",)),
        StudentError("TypeError", "unsupported operand type(s) for +: 'int' and 'str'", at(3, 11),
                     frames=frame(3, 11, "total = 1 + '2'") + (ErrorFrame(at(4, 2), "helper", "return a + b"),),
                     defines=("total",)),
        StudentError("NameError", "name 'total' is not defined", at(6, 1), name="total"),
        StudentError("NameError", "name 'total' is not defined", at(7, 1), name="total"),
        StudentError("NameError", "name 'X_tren' is not defined", at(8, 2), name="X_tren",
                     frames=frame(8, 2, "model.fit(X_tren, y_train)")),
    ]
    d = diagnose(tuple(errors), standins=(StoodInModule("wandb", "wandb", at(1, 4)),
                                          StoodInModule("google", "google.colab", at(1, 5))))
    keras2 = (Keras2Note("keras.layers.core", "keras.layers", at(1, 2)),
              Keras2Note("Adam(lr=...)", "Adam(learning_rate=...)", at(3, 4)))
    return replace(h.result(), id=sub_id, lang=lang, student_errors=d.errors, environment=d.environment, keras2=keras2)


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, heading_id
    return match.group(1)


def test_environment_issues_are_apart_from_the_students_errors():
    html = render_html(colab_result())
    env = section(html, "environment-heading")
    assert "Entorno de corrección" in env
    assert "<code>seaborn</code>" in env and "<code>wandb</code>" in env and "heart.csv" in env
    assert "y 11 errores más que se derivan de este" in env
    assert "solo existe en Colab" in env and "sustituto que no hace nada" in env
    errors = section(html, "errors-heading")
    assert "seaborn" not in errors and "heart.csv" not in errors and "name 'sns'" not in errors
    assert [m for m in re.findall(r"<h3>(\w+)</h3>", errors)] == ["TypeError", "NameError"]


def test_followers_are_folded_under_their_root():
    html = render_html(colab_result())
    article = re.search(r'<article class="student-error">(.*?)</article>', html, re.S).group(1)
    assert "<h3>TypeError</h3>" in article
    folded = re.search(r'<details class="followers"><summary>(.*?)</summary>(.*?)</details>', article, re.S)
    assert folded.group(1) == "y 2 errores más que se derivan de este"
    assert folded.group(2).count("<li>") == 2 and "celda 6, línea 1" in folded.group(2)
    assert html.count('class="student-error"') == 2  # TypeError, and X_tren (its own)


def test_traceback_pointers_are_in_the_reports_language():
    en = render_html(colab_result("en"))
    assert "cell 3, line 11, in &lt;module&gt;: total = 1 + &#39;2&#39;" in en
    assert "cell 4, line 2, in helper: return a + b" in en
    assert "celda" not in en and "línea" not in en and ", en " not in en
    es = render_markdown(colab_result("es"))
    assert "celda 3, línea 11, en <module>: total = 1 + '2'" in es
    assert "cell 3" not in es


def test_english_report_is_english_throughout_its_new_sections():
    md = render_markdown(colab_result("en"))
    assert "## Grading environment" in md and "### Keras 2 spellings" in md
    assert "and 11 more errors that follow from this one" in md
    assert "- `keras.layers.core` → `keras.layers` (cell 1, line 2)" in md
    assert "<details><summary>and 2 more errors that follow from this one</summary>" in md
    for spanish in ("Entorno", "módulo", "fichero", "se derivan", "celda", "línea"):
        assert spanish not in md, spanish


def test_keras2_notes_show_the_modern_spelling():
    view = environment_view(colab_result("en"))
    assert view["keras2"]["rows"] == ["`keras.layers.core` → `keras.layers` (cell 1, line 2)",
                                      "`Adam(lr=...)` → `Adam(learning_rate=...)` (cell 3, line 4)"]
    html = render_html(colab_result("en"))
    assert "<code>Adam(lr=...)</code> → <code>Adam(learning_rate=...)</code>" in html


def test_download_sentence_names_file_origin_and_what_to_do():
    refusal = StudentError("RuntimeError", "no network while grading", at(2, 4),
                           download=DownloadAttempt("mnist.npz", "https://storage.example/mnist.npz"))
    d = diagnose((refusal,))
    result = replace(h.result(), lang="en", student_errors=d.errors, environment=d.environment)
    (issue,) = environment_view(result)["issues"]
    assert issue["text"].startswith("Downloading `mnist.npz` from https://storage.example/mnist.npz needs the network")
    assert "--datasets" in issue["text"] and "(cell 2, line 4)" in issue["text"]
    assert errors_view(result) == []
    unknown = diagnose((StudentError("URLError", "<urlopen error [Errno -3] Temporary failure in name resolution>",
                                     at(2, 1)),))
    result = replace(result, student_errors=unknown.errors, environment=unknown.environment)
    assert environment_view(result)["issues"][0]["text"].startswith("Your code tried to download data (cell 2, line 1)")
    web = diagnose((StudentError("URLError", "<urlopen error [Errno -3] Temporary failure in name resolution>", at(3, 1),
                                 frames=frame(3, 1, "df = pd.read_csv('https://example.org/heart.csv')")),))
    result = replace(result, student_errors=web.errors, environment=web.environment)
    text = environment_view(result)["issues"][0]["text"]
    assert text.startswith("Downloading `heart.csv` from https://example.org/heart.csv needs the network")
    assert "--datasets" not in text and "Submit the file next to the notebook" in text


def test_student_text_is_escaped():
    hostile = StudentError("ModuleNotFoundError", "No module named '<script>alert(1)</script>'", at(1, 1))
    d = diagnose((hostile,), standins=(StoodInModule("<img src=x onerror=alert(1)>", "x", at(1, 2)),))
    result = replace(h.result(), student_errors=d.errors, environment=d.environment,
                     keras2=(Keras2Note("<b>bold</b>", "<i>x</i>"),))
    html = render_html(result)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;" in html
    md = render_markdown(result)
    assert "<script>" not in md and "<img" not in md and "<b>bold" not in md


def test_no_section_when_nothing_was_missing():
    html = render_html(h.result())
    assert 'aria-labelledby="environment-heading"' not in html
    assert environment_view(h.result()) is None


def test_result_json_carries_environment_and_keras2_and_reads_back():
    result = colab_result("en")
    doc = json.loads(json.dumps(result_to_dict(result)))
    kinds = [(i["kind"], i["subject"], i["stood_in"], i["followers"]) for i in doc["environment"]]
    assert kinds == [("missing_module", "seaborn", False, 11), ("missing_module", "wandb", True, 0),
                     ("colab", "google.colab", True, 0), ("missing_file", "heart.csv", False, 0)]
    assert doc["keras2"][1] == {"idiom": "Adam(lr=...)", "modern": "Adam(learning_rate=...)",
                                "location": {"cell": 3, "line": 4}}
    first = doc["student_errors"][0]
    assert first["environment"] == "missing_module" and first["frames"] == [
        {"cell": 1, "line": 3, "name": "<module>", "code": "import seaborn as sns"}]
    assert doc["student_errors"][1]["follows_from"] == 0
    back = result_from_dict(doc)
    assert back.student_errors == result.student_errors
    assert back.environment == result.environment and back.keras2 == result.keras2


def test_class_summary_lists_what_the_environment_lacked():
    results = [colab_result("es", "ana"), colab_result("es", "luis"), replace(h.result(), id="marta")]
    rows = class_environment(results, "es")
    assert [(r["subject"], r["count"]) for r in rows][:2] == [("seaborn", 2), ("wandb", 2)]
    assert rows[0]["kind_label"] == "módulo" and [m["id"] for m in rows[0]["submissions"]] == ["ana", "luis"]
    html = render_summary_html(results)
    table = section(html, "environment-heading")
    assert "Lo que le faltó al entorno de corrección" in table
    assert '<a href="ana/report.html">ana</a>' in table and "marta" not in table
    md = render_summary_markdown(results, "en")
    assert "## What the grading environment lacked" in md
    assert "| `seaborn` | module | 2: [ana](ana/report.html), [luis](luis/report.html) |" in md


def test_class_summary_has_no_environment_table_when_nothing_lacked():
    assert "environment-heading" not in render_summary_html([h.result()])
    assert class_environment([h.result()], "en") == []


def test_terminal_names_what_the_environment_lacked():
    import io

    from autograder.render.terminal import make_console, print_result

    buffer = io.StringIO()
    print_result(colab_result("en"), make_console(buffer))
    text = buffer.getvalue()
    assert "Grading environment: seaborn (module), wandb (module), google.colab (Colab only), heart.csv (data file)" in text


def test_github_annotation_prefers_the_students_own_error():
    from autograder.assignment import load_assignment
    from autograder.integrations.locations import blame

    result = replace(colab_result("en"), model=None)
    check = next(c for c in result.checks if c.id == "model_built")
    assert blame(check, result, load_assignment().rules) == at(3, 11)  # the TypeError, not the seaborn import
