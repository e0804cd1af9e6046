"""PDI arithmetic: weighted totals (the seed's own tables), Delphi weights and Kendall's W worked
by hand, normalisation rules, tree checks, stages and strategies."""

from __future__ import annotations

from dataclasses import replace

import pytest

from datasource import pdi

SEED = 0.5, 0.3, 0.2


def weights(p: float, d: float, i: float) -> dict[str, float]:
    return {"P": p, "D": d, "I": i}


# The seed's section 4.1 (electronics parks): P, D, I and the printed total (2 decimals).
# A: 0.5*2.94 + 0.3*1.84 + 0.2*3.65 = 1.470 + 0.552 + 0.730 = 2.752 -> printed 2.75
# B: 0.5*3.08 + 0.3*2.89 + 0.2*1.70 = 1.540 + 0.867 + 0.340 = 2.747 -> printed 2.75
# C: 0.5*3.21 + 0.3*1.44 + 0.2*1.90 = 1.605 + 0.432 + 0.380 = 2.417 -> printed 2.42
# D: 0.5*1.76 + 0.3*0.01 + 0.2*0.00 = 0.880 + 0.003 + 0.000 = 0.883 -> printed 0.88
@pytest.mark.parametrize(
    ("dims", "total", "printed"),
    [
        ((2.94, 1.84, 3.65), 2.752, "2.75"),
        ((3.08, 2.89, 1.70), 2.747, "2.75"),
        ((3.21, 1.44, 1.90), 2.417, "2.42"),
        ((1.76, 0.01, 0.00), 0.883, "0.88"),
        # section 4.2, automotive A: 1.775 + 0.708 + 0.490 = 2.973
        ((3.55, 2.36, 2.45), 2.973, "2.97"),
    ],
)
def test_weighted_total_reproduces_the_seed_tables(dims, total, printed):
    got = pdi.weighted_total(dict(zip("PDI", dims, strict=True)), weights(*SEED))
    assert got == pytest.approx(total, abs=1e-12)
    assert f"{got:.2f}" == printed


def test_weighted_total_with_changed_weights_reorders_parks():
    a, b = weights(2.94, 1.84, 3.65), weights(3.08, 2.89, 1.70)
    # 0.4/0.4/0.2: A = 1.176 + 0.736 + 0.730 = 2.642; B = 1.232 + 1.156 + 0.340 = 2.728
    w = weights(0.4, 0.4, 0.2)
    assert pdi.weighted_total(a, w) == pytest.approx(2.642, abs=1e-12)
    assert pdi.weighted_total(b, w) == pytest.approx(2.728, abs=1e-12)
    # equal weights: A = (2.94 + 1.84 + 3.65) / 3 = 8.43 / 3 = 2.81
    third = 1 / 3
    assert pdi.weighted_total(a, weights(third, third, third)) == pytest.approx(2.81, abs=1e-12)


def test_evaluate_walks_the_default_tree():
    tree = pdi.default_tree()
    points = {
        "all5": {n.code: 5.0 for n in tree if n.is_leaf},
        # P21 = 4: P2 = 0.5*4 = 2; P41 = 3: P4 = 1*3 = 3; P = 0.4*2 + 0.1*3 = 1.1
        # D21 = 5: D2 = 0.6*5 = 3; D = 0.5*3 = 1.5; total = 0.5*1.1 + 0.3*1.5 = 1.0
        "some": {"P21": 4.0, "P41": 3.0, "D21": 5.0},
    }
    ev = pdi.evaluate(tree, points, {"given": {"P": 2.0, "D": 1.0, "I": 4.0}})
    assert ev["all5"].dimensions == {"P": 5.0, "D": 5.0, "I": 5.0}
    assert ev["all5"].total == pytest.approx(5.0, abs=1e-12)
    assert ev["some"].dimensions["P"] == pytest.approx(1.1, abs=1e-12)
    assert ev["some"].dimensions["D"] == pytest.approx(1.5, abs=1e-12)
    assert ev["some"].dimensions["I"] == 0.0
    assert ev["some"].total == pytest.approx(1.0, abs=1e-12)
    assert ev["some"].level2["P2"] == pytest.approx(2.0, abs=1e-12)
    # direct scores: 0.5*2 + 0.3*1 + 0.2*4 = 2.1, and no level-2 breakdown
    assert ev["given"].total == pytest.approx(2.1, abs=1e-12)
    assert ev["given"].direct == ("P", "D", "I")
    assert ev["given"].level2["P2"] is None


def test_evaluate_follows_changed_second_level_weights():
    tree = [
        replace(n, weight={"P1": 0.1, "P2": 0.5}.get(n.code, n.weight)) for n in pdi.default_tree()
    ]
    # P2 = 0.5*4 = 2 now weighs 0.5: P = 1.0; total = 0.5
    ev = pdi.evaluate(tree, {"x": {"P21": 4.0}})
    assert ev["x"].dimensions["P"] == pytest.approx(1.0, abs=1e-12)
    assert ev["x"].total == pytest.approx(0.5, abs=1e-12)


def test_default_tree_has_the_seed_shape_and_sums_to_one():
    tree = pdi.default_tree()
    assert pdi.first_level_weights(tree) == {"P": 0.5, "D": 0.3, "I": 0.2}
    assert [n.name_zh for n in tree if n.level == 2 and n.dimension == "P"] == [
        "经济效率",
        "能源利用与碳排放水平",
        "资源环境效益",
        "其他基础设施",
    ]
    assert len([n for n in tree if n.is_leaf]) == 17
    assert pdi.tree_problems(tree) == []
    assert sum(w for c, w in pdi.global_weights(tree).items() if len(c) == 3) == pytest.approx(1.0)


def test_weight_set_not_summing_to_one_is_reported():
    tree = [replace(n, weight=0.35) if n.code == "D" else n for n in pdi.default_tree()]
    problems = pdi.tree_problems(tree)
    assert [(p.code, p.column) for p in problems] == [("P", "weight")]
    assert "1.05" in problems[0].reason
    tree = [replace(n, weight=0.2 + 1e-7) if n.code == "P1" else n for n in pdi.default_tree()]
    assert pdi.tree_problems(tree) == []  # within the 1e-6 tolerance


def test_tree_problems_catch_structure_and_leaf_rules():
    tree = pdi.default_tree()
    bad = [replace(n, direction="higher") if n.code == "P21" else n for n in tree]
    assert [(p.code, p.column) for p in pdi.tree_problems(bad)] == [("P21", "direction")]
    bad = [replace(n, parent_code="X9") if n.code == "P11" else n for n in tree]
    assert ("P11", "parent_code") in [(p.code, p.column) for p in pdi.tree_problems(bad)]
    bad = [replace(n, method="zscore") if n.code == "D11" else n for n in tree]
    assert [(p.code, p.column) for p in pdi.tree_problems(bad)] == [("D11", "method")]


def test_normalise_benchmark_minmax_and_scale():
    nodes = {n.code: n for n in pdi.default_tree()}
    # P21 lower is better, worst 3 -> 0 points, best 0.3 -> 5: 1.65 is half way = 2.5
    got = pdi.normalise(nodes["P21"], {"a": 1.65, "b": 0.1, "c": 4.0})
    assert got == {"a": pytest.approx(2.5), "b": 5.0, "c": 0.0}
    # P22 higher is better, 0 % -> 0, 50 % -> 5: 20 % = 2
    assert pdi.normalise(nodes["P22"], {"a": 20.0})["a"] == pytest.approx(2.0)
    # D11 min-max, higher: 0, 5, 10 -> 0, 2.5, 5
    assert pdi.normalise(nodes["D11"], {"a": 0, "b": 5, "c": 10}) == {"a": 0, "b": 2.5, "c": 5}
    # P33 min-max, lower is better: 0.02 -> 5, 0.06 -> 2.5, 0.10 -> 0
    got = pdi.normalise(nodes["P33"], {"a": 0.02, "b": 0.06, "c": 0.10})
    assert got == {"a": 5.0, "b": pytest.approx(2.5), "c": 0.0}
    assert pdi.normalise(nodes["D11"], {"a": 3, "b": 3}) == {"a": 2.5, "b": 2.5}
    assert pdi.normalise(nodes["P41"], {"a": 3.2}) == {"a": 3.2}


# Hand-worked Delphi round: 3 experts rate P, D, I and P's children P1, P2 on 1–9.
#        P  D  I  P1 P2
#   E1   9  6  3  7  5
#   E2   8  6  4  6  6
#   E3   7  5  3  8  4
# means: P 8, D 17/3, I 10/3, P1 7, P2 5
# weights: first level sum = 8 + 17/3 + 10/3 = 17 -> P 8/17, D 1/3, I 10/51; P1 7/12, P2 5/12
# CV (sample sd): P sd 1 -> 1/8; D, I sd sqrt(1/3) -> 0.57735/5.6667, 0.57735/3.3333; P1 1/7; P2 1/5
# ranks within each expert (ascending, ties averaged):
#   E1: P5 D3 I1 P1=4 P2=2
#   E2: P5 D3 I1 P1=3 P2=3   (6, 6, 6 share ranks 2, 3, 4 -> 3; tie term 3^3 - 3 = 24)
#   E3: P4 D3 I1 P1=5 P2=2
# rank sums R = 14, 9, 3, 12, 7 (sum 45); mean 9; S = 25 + 0 + 36 + 9 + 4 = 74
# W = 12 S / (m^2 (n^3 - n) - m ΣT) = 888 / (9*120 - 3*24) = 888 / 1008 = 37/42 = 0.880952
# (without the tie correction it would be 888/1080 = 0.8222); chi2 = m (n-1) W = 12*37/42
RATINGS = {
    "E1": {"P": 9, "D": 6, "I": 3, "P1": 7, "P2": 5},
    "E2": {"P": 8, "D": 6, "I": 4, "P1": 6, "P2": 6},
    "E3": {"P": 7, "D": 5, "I": 3, "P1": 8, "P2": 4},
}
PARENTS = {"P": None, "D": None, "I": None, "P1": "P", "P2": "P"}


def test_delphi_round_weights_cv_and_kendall_w_by_hand():
    r = pdi.delphi_round(1, RATINGS, PARENTS)
    w = r.weights()
    assert w["P"] == pytest.approx(8 / 17)
    assert w["D"] == pytest.approx(1 / 3)
    assert w["I"] == pytest.approx(10 / 51)
    assert w["P1"] == pytest.approx(7 / 12)
    assert w["P2"] == pytest.approx(5 / 12)
    cv = {i.code: i.cv for i in r.items}
    assert cv["P"] == pytest.approx(0.125)
    assert cv["D"] == pytest.approx(0.1018853, abs=1e-7)
    assert cv["I"] == pytest.approx(0.1732051, abs=1e-7)
    assert cv["P1"] == pytest.approx(1 / 7)
    assert cv["P2"] == pytest.approx(0.2)
    assert r.kendall_w == pytest.approx(37 / 42)
    assert r.chi2 == pytest.approx(12 * 37 / 42)
    assert r.max_cv == pytest.approx(0.2)
    assert r.another_round is False
    assert r.reasons == ()


def test_kendall_w_without_ties_and_complete_disagreement():
    # two experts in perfect agreement: W = 1; in opposite orders: R = 4, 4, 4 -> S = 0 -> W = 0
    assert pdi.kendall_w([[1, 2, 3], [2, 5, 9]]) == pytest.approx(1.0)
    assert pdi.kendall_w([[1, 2, 3], [3, 2, 1]]) == 0.0
    assert pdi.average_ranks([4, 6, 6, 6, 8]) == [1, 3, 3, 3, 5]


def test_delphi_flags_another_round_when_experts_disagree():
    ratings = {"E1": {"P": 1, "D": 2, "I": 3}, "E2": {"P": 3, "D": 2, "I": 1}}
    r = pdi.delphi_round(1, ratings, {"P": None, "D": None, "I": None})
    # W = 0; CV of P and I: values 1, 3 -> mean 2, sd sqrt(2) -> 0.7071 > 0.25
    assert r.kendall_w == 0.0
    assert r.another_round is True
    assert r.reasons == ("Kendall W = 0.000 < 0.5", "CV > 0.25: P, I")


def test_ranks_share_places_on_ties():
    assert pdi.ranks({"a": 2.75, "b": 2.75, "c": 3.0, "d": 1.0}) == {"c": 1, "a": 2, "b": 2, "d": 4}


def test_stage_weakest_and_strategies_follow_the_seed_tables():
    assert pdi.stage_of(2.5) == "mature"
    assert pdi.stage_of(2.49) == "early"
    assert pdi.weakest({"P": 1.76, "D": 0.01, "I": 0.0}) == "I"
    assert pdi.weakest({"P": 1.0, "D": 1.0, "I": 2.0}) == "P"
    # seed 4.1: electronics park A (total 2.75: mature), weakest dimension D
    got = pdi.suggest("电子信息", {"P": 2.94, "D": 1.84, "I": 3.65}, 2.752)
    assert got[0].text_zh == "加强产学研创新合作，以数字技术突破为目标"
    assert [s.dimension for s in got] == ["D", "P", "P", "I", "I"]
    # seed 4.2: automotive park D (total 1.35: early), weakest I
    assert pdi.suggest("汽车制造", {"P": 2.51, "D": 0.33, "I": 0.0}, 1.35)[0].text_zh == (
        "加强绿色产品设计"
    )
    # no seed table for steel: the generic rows
    steel = pdi.strategies_for("钢铁", "D", "mature")
    assert [s.industry for s in steel] == ["*"]
    assert steel[0].source == "derived from seed 3.2.2"
