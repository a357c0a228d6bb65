"""Ranking quality on the labelled cases: recall@5 and nDCG@5; prints a markdown table.

Usage: .venv/bin/python bench/quality.py
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.matching.engine import JobIndex, MatchConfig, rank_jobs  # noqa: E402


def _loader():  # module object
    spec = importlib.util.spec_from_file_location(
        "matching_cases_loader", ROOT / "tests" / "matching_cases" / "loader.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def ndcg_at(ranked: list[str], relevant: set[str], k: int) -> float:
    """Binary-relevance nDCG@k."""
    dcg = sum(1 / math.log2(i + 2) for i, j in enumerate(ranked[:k]) if j in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def evaluate(k: int = 5, cfg: MatchConfig | None = None) -> dict[str, float]:
    """Mean recall@k and nDCG@k over cases that expect openings, plus rule checks."""
    loader = _loader()
    jobs = loader.load_openings()
    index = JobIndex(jobs)
    cases = loader.load_cases()
    cfg = cfg or MatchConfig(max_ruled_out=len(jobs))
    recalls, ndcgs, top3_hits, rule_ok, rule_total = [], [], 0, 0, 0
    for case in cases:
        result = rank_jobs(case.worker, index, len(jobs), cfg)
        ranked = [m.job_id for m in result.matches]
        reasons = {o.job_id: o.codes for o in result.ruled_out}
        for job_id, code in case.rule_out.items():
            rule_total += 1
            rule_ok += code in reasons.get(job_id, ())
        if not case.expect:
            continue
        relevant = set(case.expect)
        recalls.append(len(relevant & set(ranked[:k])) / len(relevant))
        ndcgs.append(ndcg_at(ranked, relevant, k))
        top3_hits += relevant <= set(ranked[:3])
    return {"cases": len(cases), "ranked_cases": len(recalls),
            f"recall@{k}": sum(recalls) / len(recalls), f"ndcg@{k}": sum(ndcgs) / len(ndcgs),
            "all_expected_in_top3": top3_hits / len(recalls),
            "rule_out_expectations_met": rule_ok / max(rule_total, 1),
            "rule_out_expectations": rule_total}


def main() -> None:
    """Print the figures as a markdown table."""
    r = evaluate()
    print("| cases | cases with expected openings | recall@5 | nDCG@5 | all expected in top 3 "
          "| rule-out expectations met |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {r['cases']} | {r['ranked_cases']} | {r['recall@5']:.3f} | {r['ndcg@5']:.3f} "
          f"| {r['all_expected_in_top3']:.1%} | {r['rule_out_expectations_met']:.1%} "
          f"of {r['rule_out_expectations']} |")


if __name__ == "__main__":
    main()
