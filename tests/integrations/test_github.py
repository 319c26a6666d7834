"""GitHub Actions output: annotations, the job summary and the step output, from plain GradeResults."""
from __future__ import annotations

import re
from urllib.parse import unquote

from autograder.integrations.classroom import decode_result
from autograder.integrations.github import (
    annotation_commands,
    escape_data,
    escape_property,
    in_github_actions,
    report_to_github,
    set_output,
)
from autograder.render import render_markdown

COMMAND = re.compile(r"^::error (?P<props>[^:]*)::(?P<message>.*)$")


def parse_command(line: str) -> tuple[dict[str, str], str]:
    """A workflow command as the runner reads it: properties and message, unescaped."""
    match = COMMAND.match(line)
    assert match, line
    props = dict(item.split("=", 1) for item in match["props"].split(","))
    return {k: unquote(v) for k, v in props.items()}, unquote(match["message"])


def test_escaping_follows_the_workflow_command_rules():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_detects_actions_from_the_environment():
    assert in_github_actions({"GITHUB_ACTIONS": "true"})
    assert not in_github_actions({"GITHUB_ACTIONS": "false"}) and not in_github_actions({})


def test_one_error_annotation_per_failing_check_on_the_offending_line(notebook_result, assignment):
    folder, result = notebook_result
    commands = annotation_commands([result], assignment.rules, root=folder)
    assert len(commands) == 2
    raw = (folder / "alumna.ipynb").read_text().splitlines()
    (l2_props, l2_message), (drop_props, drop_message) = map(parse_command, commands)
    assert l2_props["file"] == "alumna.ipynb" and drop_props["file"] == "alumna.ipynb"
    assert "Dense(64, activation='relu')," in raw[int(l2_props["line"]) - 1]
    assert "Dropout(0.0)" in raw[int(drop_props["line"]) - 1]
    assert l2_props["title"] == "Regularización L2 (0/2 ptos)"
    assert l2_message.startswith("Celda 3, línea 5: ") and "dense_1" in l2_message
    assert "\nQué cambiar: " in l2_message and drop_message.startswith("Celda 3, línea 6: ")


def test_a_submission_that_could_not_run_gets_a_file_level_error(notebook_result, assignment):
    from dataclasses import replace

    from autograder.types import ErrorInfo

    folder, result = notebook_result
    checks = tuple(replace(c, status="error" if c.id == "model_built" else "skipped", points=0.0,
                           message="La ejecución superó el límite" if c.id == "model_built" else "omitida")
                   for c in result.checks)
    broken = replace(result, status="error", error=ErrorInfo("timeout", "x"), model=None, checks=checks, score=0.0)
    [command] = annotation_commands([broken], assignment.rules, root=folder)
    props, message = parse_command(command)
    assert props["file"] == "alumna.ipynb" and "line" not in props and "límite" in message


def test_report_writes_summary_output_and_annotations(notebook_result, perfect_result, assignment, tmp_path):
    folder, result = notebook_result
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    summary.write_text("# earlier step\n", encoding="utf-8")
    printed = []
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
           "GITHUB_WORKSPACE": str(folder)}
    report_to_github([result], assignment.rules, env, write=printed.append)
    assert sum(line.startswith("::error file=alumna.ipynb,line=") for line in printed) == 2
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n") and render_markdown(result).strip() in text
    name, _, value = output.read_text().strip().partition("=")
    assert name == "result"
    decoded = decode_result(value)
    assert decoded["max_score"] == 10 and sum(t["score"] for t in decoded["tests"]) == result.score == 6


def test_multiline_outputs_use_a_delimiter(tmp_path):
    out = tmp_path / "out"
    set_output(out, "a", "one line")
    set_output(out, "b", "two\nlines")
    lines = out.read_text().splitlines()
    assert lines[0] == "a=one line"
    assert lines[1].startswith("b<<ghadelimiter_") and lines[2:4] == ["two", "lines"] and lines[4] == lines[1][3:]
