"""similarity.html, similarity.md and similarity.json from a SimilarityReport: view model, then templates.

Written beside the class summary; nothing here touches grades.csv, the LMS exports or any score.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from autograder.i18n import catalog, translate
from autograder.render.view import ui_labels
from autograder.similarity.types import CodeDoc, Pair, SimilarityReport
from autograder.types import to_plain

SCHEMA = "autograder.similarity/1"


def percent(value: float) -> int:
    return round(100 * value)


def labels(lang: str) -> dict[str, str]:
    """The catalog's ``sim.*`` entries without their prefix (``sim.col.code`` -> ``col.code``)."""
    return {k[4:]: v for k, v in catalog(lang).items() if k.startswith("sim.")}


def report_href(result_id: str) -> str:
    return quote(result_id, safe="") + "/report.html"


def arch_label(same: bool | None, lang: str) -> str:
    key = "sim.arch.unknown" if same is None else "sim.arch.same" if same else "sim.arch.different"
    return translate(key, lang)


def side(doc: CodeDoc | None, shared: tuple[tuple[int, int], ...], lang: str) -> list[dict[str, Any]]:
    """One submission's code as blocks (one per cell) of numbered lines, the shared ones marked."""
    if doc is None:
        return []
    marked = set(shared)
    blocks: list[dict[str, Any]] = []
    for line in doc.lines:
        if not blocks or blocks[-1]["cell"] != line.cell:
            title = translate("sim.cell", lang, {"cell": line.cell}) if line.cell else translate("sim.script", lang)
            blocks.append({"cell": line.cell, "title": title, "lines": []})
        blocks[-1]["lines"].append({"no": line.line, "text": line.text, "shared": (line.cell, line.line) in marked})
    return blocks


def pair_row(number: int, pair: Pair, report: SimilarityReport, lang: str) -> dict[str, Any]:
    arches = {s.id: s.architecture for s in report.submissions}
    a_arch, b_arch = arches.get(pair.a), arches.get(pair.b)
    return {
        "number": number, "anchor": f"pair-{number}", "a": pair.a, "b": pair.b,
        "a_href": report_href(pair.a), "b_href": report_href(pair.b),
        "code": percent(pair.code), "jaccard": percent(pair.jaccard), "shared": pair.shared,
        "arch": arch_label(pair.same_architecture, lang), "arch_same": bool(pair.same_architecture),
        "arch_a": a_arch.text if a_arch else "", "arch_b": b_arch.text if b_arch else "",
        "open": translate("sim.view.open", lang, {"a": pair.a, "b": pair.b}),
        "left": side(report.docs.get(pair.a), pair.shared_lines_a, lang),
        "right": side(report.docs.get(pair.b), pair.shared_lines_b, lang),
    }


def similarity_view(report: SimilarityReport, lang: str) -> dict[str, Any]:
    """Everything the similarity templates show, as strings and lists."""
    settings = report.settings
    flagged = [m for m in report.published if m.flagged]
    shown = report.pairs[:settings.max_pairs]
    compared = [s for s in report.submissions if s.compared]
    stats = translate("sim.stats", lang, {
        "compared": len(compared), "total": len(report.submissions), "pairs": len(report.pairs),
        "threshold": percent(settings.threshold), "clusters": len(report.clusters), "published": len(flagged)})
    published = [{
        "id": m.id, "href": report_href(m.id), "closeness": percent(m.closeness),
        "lines": translate("sim.published.lines", lang, {"matched": m.matched, "total": m.total}),
        "missing": list(m.missing),
        "extra_title": translate("sim.published.extra", lang, {"count": m.extra_count}),
        "extra": [f"{translate('sim.cell', lang, {'cell': e.cell}) if e.cell else translate('sim.script', lang)}, "
                  f"{e.line}: {e.text.strip()}" for e in m.extra],
        "extra_more": m.extra_count - len(m.extra),
    } for m in sorted(flagged, key=lambda m: (-m.closeness, m.id))]
    clusters = [{"members": [{"id": i, "href": report_href(i)} for i in c.members], "size": len(c.members),
                 "detail": translate("sim.clusters.row", lang, {"pairs": c.pairs, "min": percent(c.min_code),
                                                                "max": percent(c.max_code)})}
                for c in report.clusters]
    return {
        "lang": lang, "ui": ui_labels(lang), "t": labels(lang), "stats_line": stats,
        "published_intro": translate("sim.published.intro", lang, {"threshold": percent(settings.published_threshold)}),
        "published": published,
        "pairs": [pair_row(n, p, report, lang) for n, p in enumerate(shown, start=1)],
        "more_pairs": translate("sim.pairs.more", lang, {"shown": len(shown), "total": len(report.pairs)})
        if len(report.pairs) > len(shown) else "",
        "clusters": clusters,
        "too_small": [s.id for s in report.submissions if not s.compared],
        "elapsed": translate("sim.elapsed", lang, {"seconds": f"{report.elapsed_s:.2f}"}),
    }


def similarity_to_dict(report: SimilarityReport) -> dict[str, Any]:
    """similarity.json: every submission, every reported pair, the clusters and the published-solution flags."""
    published = {m.id: m for m in report.published}
    return {
        "schema": SCHEMA,
        "settings": to_plain(report.settings),
        "elapsed_s": report.elapsed_s,
        "submissions": [{
            "id": s.id, "fingerprints": s.fingerprints, "compared": s.compared,
            "architecture": None if s.architecture is None else {
                "layers": list(s.architecture.layers), "optimizer": s.architecture.optimizer,
                "loss": s.architecture.loss},
            "published": to_plain(published[s.id]) if s.id in published else None,
        } for s in report.submissions],
        "pairs": [to_plain(p) for p in report.pairs],
        "clusters": [to_plain(c) for c in report.clusters],
    }


def render_similarity_html(report: SimilarityReport, lang: str, version: str = "?") -> str:
    from autograder.render import REPORT_CSP, environment

    return environment(True).get_template("similarity.html.j2").render(
        csp=Markup(REPORT_CSP), version=version, **similarity_view(report, lang))


def render_similarity_markdown(report: SimilarityReport, lang: str, version: str = "?") -> str:
    from autograder.render import environment
    from autograder.render.filters import tidy_markdown

    return tidy_markdown(environment(False).get_template("similarity.md.j2").render(
        version=version, **similarity_view(report, lang)))


def write_similarity_outputs(report: SimilarityReport, out_dir: Path, lang: str, version: str = "?") -> None:
    """``similarity.html``, ``similarity.md`` and ``similarity.json`` in the run's output folder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "similarity.json").write_text(json.dumps(similarity_to_dict(report), ensure_ascii=False, indent=1),
                                             encoding="utf-8")
    (out_dir / "similarity.html").write_text(render_similarity_html(report, lang, version), encoding="utf-8")
    (out_dir / "similarity.md").write_text(render_similarity_markdown(report, lang, version), encoding="utf-8")
