"""The statistics engine: paired tests, Holm, power, reliability, attrition and verdicts.

Pure functions on numpy arrays and pandas frames; nothing here knows of Dagster
or the warehouse. The pipeline calls them once per hypothesis (the only loop)
and stores the fields of :class:`PairedTestResult` in ``hypothesis_results``.

- ``impact.statistics.paired_tests``     paired t, Wilcoxon signed-rank, McNemar
- ``impact.statistics.multiple_testing`` the Holm correction across primary hypotheses
- ``impact.statistics.power``            each test's minimum detectable effect at 80 % power
- ``impact.statistics.midp``             the mid-p binomial test behind McNemar
- ``impact.statistics.reliability``      Cronbach's alpha with Feldt's interval per outcome and wave
- ``impact.statistics.attrition``        did those lost to follow-up differ at baseline?
- ``impact.statistics.verdicts``         supported / contradicted / not_shown / unreliable_measurement /
                                         insufficient_data

Conventions (docs/statistics.md), the same in every function:

- a difference is always ``follow_up − baseline``; ``alternative`` ("two-sided",
  "greater", "less") is about that difference;
- confidence intervals follow the alternative, as R's do: a one-sided test gets a
  one-sided interval whose open end is ±inf (±1 for a correlation, 0 or inf for an
  odds ratio);
- the Wilcoxon statistic is W+, the sum of the positive ranks (R's ``V``), never
  scipy's two-sided min(W+, W−);
- McNemar's test is the mid-p test by default (Fagerland, Lydersen & Laake 2013);
- the standardised effect of the paired t-test is Cohen's d_z (mean of the
  differences / SD of the differences), not d_av or d_rm.

Every number these functions produce is checked against published output (R's
help-page examples and textbooks) in ``tests/unit/statistics/test_statistics_reference.py``.
"""

from impact.statistics.attrition import AttritionResult, attrition_check
from impact.statistics.multiple_testing import holm_adjust
from impact.statistics.paired_tests import PairedTestResult, mcnemar, paired_t, wilcoxon_signed_rank
from impact.statistics.power import minimum_detectable_effect
from impact.statistics.reliability import cronbach_alpha
from impact.statistics.verdicts import VERDICTS, verdict

__all__ = [
    "AttritionResult",
    "PairedTestResult",
    "VERDICTS",
    "attrition_check",
    "cronbach_alpha",
    "holm_adjust",
    "mcnemar",
    "minimum_detectable_effect",
    "paired_t",
    "verdict",
    "wilcoxon_signed_rank",
]
