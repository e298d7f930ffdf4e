"""The precision/recall curve of QE thresholds, the proposal, and thresholds as the configuration writes them."""

from __future__ import annotations

import math
import tomllib

from evalkit.judges.calibrate import Calibration
from evalkit.judges.curve import LabelledPair, pr_curve, propose, shortest_above, shortest_between, toml_string


def pair(score: float, bad: bool, always: bool = False) -> LabelledPair:
    return LabelledPair("e", 1, 0, score, bad, "", always)


#: Five scored pairs and one copy of the English (flagged at every threshold). Bad: 0.1, 0.3 and the copy.
EXAMPLE = [pair(0.1, True), pair(0.2, False), pair(0.3, True), pair(0.4, False), pair(0.5, False), pair(0.9, True, True)]


def test_curve_by_hand():
    curve = pr_curve(EXAMPLE)
    rows = [(p.threshold, p.score, p.flagged, p.true_positives, p.false_positives, p.false_negatives) for p in curve]
    assert rows == [
        (0.1, 0.1, 1, 1, 0, 2),  # only the copy is flagged
        (0.2, 0.2, 2, 2, 0, 1),
        (0.3, 0.3, 3, 2, 1, 1),
        (0.4, 0.4, 4, 3, 1, 0),
        (0.5, 0.5, 5, 3, 2, 0),
        (0.6, None, 6, 3, 3, 0),  # above every score: all flagged
    ]
    assert [p.precision for p in curve] == [1.0, 1.0, 2 / 3, 0.75, 0.6, 0.5]
    assert [p.recall for p in curve] == [1 / 3, 2 / 3, 2 / 3, 1.0, 1.0, 1.0]
    assert [round(p.f1, 4) for p in curve] == [0.5, 0.8, 0.6667, 0.8571, 0.75, 0.6667]


def test_proposal_best_f1_and_with_a_target_precision():
    curve = pr_curve(EXAMPLE)
    assert propose(curve).threshold == 0.4  # best F1 6/7
    assert propose(curve, 0.9).threshold == 0.2  # precision 1.0 with recall 2/3 beats recall 1/3
    assert propose(curve, 0.7).threshold == 0.4  # precision 0.75, recall 1
    assert propose(curve, 0.75).threshold == 0.4  # "at least" the target
    assert propose(curve, 1.0).threshold == 0.2
    assert propose(pr_curve([pair(0.1, False), pair(0.2, True)]), 0.9) is None  # the bad pair scores highest


def test_no_bad_pair_no_proposal_and_precision_undefined_when_nothing_is_flagged():
    curve = pr_curve([pair(0.1, False), pair(0.2, False)])
    assert propose(curve) is None
    assert curve[0].precision is None and curve[0].recall is None and curve[0].f1 == 0.0


def test_ties_go_to_the_higher_precision_then_the_lower_threshold():
    # Thresholds 0.3 and 0.4 both flag the one bad pair; 0.3 adds no false alarm.
    curve = pr_curve([pair(0.2, True), pair(0.3, False), pair(0.5, False)])
    assert propose(curve).threshold == 0.3


def test_thresholds_are_the_shortest_decimals_that_flag_the_same_pairs():
    assert shortest_between(0.31, 0.3149) == 0.314
    assert shortest_between(-math.inf, 0.2) == 0.2
    assert shortest_between(0.1, 0.19) == 0.19  # 0.1 itself would flag one pair fewer
    assert shortest_between(-0.3585, -0.3379) == -0.34
    assert shortest_above(0.5) == 0.6 and shortest_above(0.83) == 0.9 and shortest_above(-0.3) == -0.2
    for low, high in ((0.123456, 0.123457), (0.7, 0.7000001), (-2.0, -1.99)):
        value = shortest_between(low, high)
        assert low < value <= high


def test_toml_snippet_round_trips_with_awkward_model_paths():
    for model in ("Unbabel/wmt22-cometkiwi-da", r"C:\models\qe\checkpoints\model.ckpt", 'odd "name"', "tab\there"):
        point = pr_curve([pair(0.2, True), pair(0.5, False)])[1]
        calibration = Calibration(model, "labels", (), (point,), point)
        parsed = tomllib.loads(calibration.toml())
        assert parsed == {"comet": {"qe_thresholds": {model: point.threshold}}}
    assert toml_string('a"b') == '"a\\"b"'
