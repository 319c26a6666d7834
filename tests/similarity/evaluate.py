"""Precision and recall of the pair finder, and the published-solution flag's accuracy, on the labelled set.

``python -m tests.similarity.evaluate`` prints the figures; tests/similarity/test_labelled.py asserts them.
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment import load_assignment
from autograder.loading import load_submission
from autograder.similarity.run import class_similarity
from autograder.similarity.types import SimilarityReport

LABELLED = Path(__file__).resolve().parent / "labelled"


@dataclass(frozen=True)
class Evaluation:
    true_pairs: frozenset[frozenset[str]]
    found_pairs: frozenset[frozenset[str]]
    evaluated: int
    """Pairs counted (every pair of the set but those of two published-solution copies)."""
    published_expected: frozenset[str]
    published_found: frozenset[str]
    ids: frozenset[str]

    @property
    def true_positives(self) -> int:
        return len(self.true_pairs & self.found_pairs)

    @property
    def precision(self) -> float:
        return self.true_positives / len(self.found_pairs) if self.found_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / len(self.true_pairs) if self.true_pairs else 1.0

    @property
    def published_accuracy(self) -> float:
        right = sum((i in self.published_found) == (i in self.published_expected) for i in self.ids)
        return right / len(self.ids)


def labelled_report(folder: Path = LABELLED, section: dict | None = None) -> tuple[SimilarityReport, dict]:
    assignment = load_assignment()
    subs = [load_submission(p) for p in sorted(folder.iterdir()) if p.suffix in (".py", ".ipynb")]
    report = class_similarity(subs, [], assignment.folder, section if section is not None else assignment.similarity)
    return report, json.loads((folder / "labels.json").read_text(encoding="utf-8"))


def evaluate(report: SimilarityReport, labels: dict) -> Evaluation:
    ids = frozenset(s.id for s in report.submissions)
    published = frozenset(labels["published"])
    skipped = {frozenset(p) for p in itertools.combinations(sorted(published), 2)}
    found = frozenset(frozenset((p.a, p.b)) for p in report.pairs) - skipped
    return Evaluation(true_pairs=frozenset(frozenset(p) for p in labels["same_work"]), found_pairs=found,
                      evaluated=len(ids) * (len(ids) - 1) // 2 - len(skipped), published_expected=published,
                      published_found=frozenset(m.id for m in report.published if m.flagged), ids=ids)


def main() -> None:
    report, labels = labelled_report()
    result = evaluate(report, labels)
    print(f"submissions: {len(result.ids)}, pairs evaluated: {result.evaluated}, same-work pairs: {len(result.true_pairs)}")
    print(f"pair finder at threshold {report.settings.threshold}: found {len(result.found_pairs)}, "
          f"true positives {result.true_positives}, precision {result.precision:.2f}, recall {result.recall:.2f}")
    for pair in report.pairs:
        tag = "TP" if frozenset((pair.a, pair.b)) in result.true_pairs else "FP"
        print(f"  {tag} {pair.a:20} {pair.b:20} code {pair.code:.2f} jaccard {pair.jaccard:.2f} arch {pair.same_architecture}")
    for missed in sorted(result.true_pairs - result.found_pairs, key=sorted):
        print("  FN", *sorted(missed))
    everything, _ = labelled_report(section={**load_assignment().similarity, "threshold": 0.0})
    scores = {frozenset((p.a, p.b)): p.code for p in everything.pairs}
    skipped = {frozenset(p) for p in itertools.combinations(sorted(result.published_expected), 2)}
    negatives = sorted(((v, sorted(k)) for k, v in scores.items() if k not in result.true_pairs and k not in skipped),
                       reverse=True)
    positives = sorted((scores.get(k, 0.0), sorted(k)) for k in result.true_pairs)
    print(f"  margin: lowest same-work pair {positives[0][0]:.2f} {positives[0][1]}, "
          f"highest other pair {negatives[0][0]:.2f} {negatives[0][1]}" if negatives else "")
    for threshold in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        found = {k for k, v in scores.items() if v >= threshold and k not in skipped}
        tp = len(found & result.true_pairs)
        print(f"  threshold {threshold:.1f}: precision {tp / len(found) if found else 1:.2f} "
              f"recall {tp / len(result.true_pairs):.2f}")
    print(f"published flag: accuracy {result.published_accuracy:.2f} "
          f"(expected {sorted(result.published_expected)}, flagged {sorted(result.published_found)})")
    for m in sorted(report.published, key=lambda m: -m.closeness):
        print(f"  {m.id:20} closeness {m.closeness:.2f} ({m.matched}/{m.total}) flagged {m.flagged}")


if __name__ == "__main__":
    main()
