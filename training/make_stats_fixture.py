"""Reference values for the cohort report's statistics (src/core/cohort/stats.test.ts), computed by SciPy.

    /usr/bin/python3 training/make_stats_fixture.py   # writes public/test-fixtures/stats/scipy.json

Samples cover the exact Mann-Whitney branch (both under 8, no ties), the asymptotic one (ties, larger samples,
continuity correction and tie correction), complete separation, and the two-sided binomial test.
"""
import json
import os

import numpy as np
from scipy import stats

rng = np.random.default_rng(19)
cases = [
    ("exact, small, no ties", [1.5, 3.2, 0.7, 4.4], [2.1, 0.2, 5.9, 6.3, 1.1]),
    ("exact, separated", [5.0, 6.0, 7.0], [1.0, 2.0, 3.0, 4.0]),
    ("asymptotic, ties", [1, 2, 2, 3, 3, 3, 4], [2, 3, 4, 4, 5, 5]),
    ("asymptotic, larger", list(np.round(rng.normal(0.3, 1, 23), 3)), list(np.round(rng.normal(0, 1, 31), 3))),
    ("exact, one side 8 (scipy: exact when one sample has 8 or fewer)", [0.11, 0.52, 0.33, 0.94, 0.25, 0.76, 0.67, 0.08], [0.41, 0.02, 0.63, 0.14]),
]
out = {"scipy": __import__("scipy").__version__, "mannWhitney": [], "binomial": []}
for name, x, y in cases:
    r = stats.mannwhitneyu(x, y, alternative="two-sided", method="auto")
    out["mannWhitney"].append({"name": name, "x": [float(v) for v in x], "y": [float(v) for v in y], "u": float(r.statistic), "p": float(r.pvalue)})
for k, n in [(7, 10), (0, 5), (12, 30), (15, 30), (3, 3), (40, 57)]:
    out["binomial"].append({"k": k, "n": n, "p": float(stats.binomtest(k, n, 0.5).pvalue)})
path = os.path.join(os.path.dirname(__file__), "..", "public", "test-fixtures", "stats", "scipy.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", os.path.normpath(path))
