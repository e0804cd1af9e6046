"""PDI ingest and reads on SQLite and PostgreSQL: scores, weights, values, Delphi ratings,
and bad input rejected with every problem listed and nothing changed."""

from __future__ import annotations

import pytest
from pdi_parks import SCORES, add_parks
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datasource import demo_pdi, pdi, pdi_store
from datasource.models import DataState, IngestBatch, RejectedRow
from datasource.models_pdi import PdiIndicator, PdiRating, PdiScore, PdiValue


@pytest.fixture
def pool(engine):
    add_parks(engine)
    return engine


def ingest(engine, text: str, kind: str, encoding: str = "utf-8") -> pdi_store.PdiReport:
    return pdi_store.ingest_pdi_bytes(engine, text.encode(encoding), kind, file_name=f"{kind}.csv")


def version(engine) -> int:
    with Session(engine) as s:
        return s.get(DataState, 1).version


def totals(engine, **filters) -> list[tuple[str, float, int]]:
    with Session(engine) as s:
        return [(p.code, round(p.total, 9), p.rank) for p in pdi_store.evaluations(s, **filters)]


def test_scores_give_the_seed_totals_and_ranks(pool):
    report = ingest(pool, SCORES, "pdi_scores")
    assert report.ok, report.render()
    assert (report.inserted, report.replaced) == (12, 0)
    assert totals(pool, industry="电子信息") == [
        ("E1", 2.752, 1),
        ("E2", 2.747, 2),
        ("E3", 2.417, 3),
    ]
    assert totals(pool, province="440000") == [("A1", 2.973, 1), ("E2", 2.747, 2)]
    assert totals(pool, park_level="national") == [("A1", 2.973, 1), ("E1", 2.752, 2)]
    with Session(pool) as s:
        e = {p.code: p for p in pdi_store.evaluations(s, industry="电子信息")}
    assert (e["E3"].rank_P, e["E2"].rank_P, e["E1"].rank_P) == (1, 2, 3)
    assert e["E1"].province_zh == "江苏省"
    assert (e["E1"].stage, e["E1"].weakest, e["E3"].stage) == ("mature", "D", "early")


def test_changed_weights_are_used_on_the_next_read(pool):
    ingest(pool, SCORES, "pdi_scores")
    before = version(pool)
    report = ingest(pool, "code,weight\nP,0.4\nD,0.4\nI,0.2\n", "pdi_tree")
    assert report.ok, report.render()
    assert version(pool) == before + 1
    # A: 0.4*2.94 + 0.4*1.84 + 0.2*3.65 = 2.642; B: 1.232 + 1.156 + 0.340 = 2.728
    assert totals(pool, industry="电子信息") == [
        ("E2", 2.728, 1),
        ("E1", 2.642, 2),
        ("E3", 2.24, 3),  # 1.284 + 0.576 + 0.380
    ]
    with Session(pool) as s:
        assert s.scalar(select(func.count()).select_from(PdiIndicator)) == 29
        assert s.get(PdiIndicator, "P").weight == 0.4
        assert s.get(PdiIndicator, "P2").weight == 0.4  # untouched weights kept


def test_weights_not_summing_to_one_are_rejected_and_nothing_changes(pool):
    ingest(pool, SCORES, "pdi_scores")
    before = version(pool)
    report = ingest(pool, "code,weight\nP,0.5\nD,0.35\nI,0.2\nP21,0.6\n", "pdi_tree")
    assert not report.ok
    assert [(p.line, p.column) for p in report.problems] == [(2, "weight"), (5, "weight")]
    assert "1.05" in report.problems[0].reason
    assert "P2" in report.problems[1].reason and "1.1" in report.problems[1].reason
    assert version(pool) == before
    with Session(pool) as s:
        assert s.scalar(select(func.count()).select_from(PdiIndicator)) == 0  # default tree still
        batch = s.scalars(select(IngestBatch).order_by(IngestBatch.id.desc())).first()
        assert (batch.kind, batch.status) == ("pdi_tree", "rejected")
        assert s.scalar(select(func.count()).where(RejectedRow.batch_id == batch.id)) == 2
    assert totals(pool, industry="电子信息")[0] == ("E1", 2.752, 1)


def test_bad_scores_list_every_row_and_keep_the_old_ones(pool):
    ingest(pool, SCORES, "pdi_scores")
    bad = "park_code,dimension,score\nE1,P,4.0\nE1,D,5.2\nNOPE,I,1\nE2,X,2\nE3,P,-0.1\nE1,P,3\n"
    report = ingest(pool, bad, "pdi_scores")
    assert not report.ok
    assert [(p.line, p.column) for p in report.problems] == [
        (3, "score"),
        (4, "park_code"),
        (5, "dimension"),
        (6, "score"),
        (7, "dimension"),
    ]
    assert "NOPE" in report.problems[1].reason
    assert "第 2 行" in report.problems[4].reason  # the duplicate names the first row
    assert "nothing was changed" in report.render()
    with Session(pool) as s:
        assert s.get(PdiScore, ("E1", "P")).score == 2.94


def test_values_are_normalised_and_the_latest_period_counts(pool):
    text = (
        "park_code,indicator_code,value,unit,period\n"
        "E1,P21,0.3,吨CO2/万元,2022\n"
        "E1,P21,1.65,吨CO2/万元,2023\n"
        "E2,P21,0.3,,2023\n"
        "E1,D11,0,个,2023\n"
        "E2,D11,10,个,2023\n"
    )
    report = ingest(pool, text, "pdi_values")
    assert report.ok, report.render()
    # E1: P21 1.65 on the 3 -> 0.3 benchmark = 2.5 pts; P2 = 0.5*2.5; P = 0.4*1.25 = 0.5
    #     D11 is the minimum of {0, 10} = 0 pts; total = 0.5*0.5 = 0.25
    # E2: P21 0.3 = 5 pts -> P = 0.4*2.5 = 1.0; D11 max = 5 pts -> D1 = 2.5, D = 1.25
    #     total = 0.5*1.0 + 0.3*1.25 = 0.875
    assert totals(pool) == [("E2", 0.875, 1), ("E1", 0.25, 2)]
    with Session(pool) as s:
        d = pdi_store.park_detail(s, "E1")
    assert d.park.level2["P2"] == pytest.approx(1.25)
    assert d.industry_size == 2
    assert d.industry_median["P"] == pytest.approx(0.75)


def test_bad_values_name_line_column_and_reason(pool):
    text = (
        "园区代码,指标代码,数值,单位,年份\n"
        "E1,P21,1.2,吨CO2/万元,2023\n"
        "E1,P99,1,,2023\n"
        "E1,P2,1,,2023\n"
        "E9,P22,30,%,2023\n"
        "E1,P22,30,t,2023\n"
        "E1,P41,6,,2023\n"
        "E1,P22,abc,,23\n"
    )
    report = ingest(pool, text, "pdi_values", encoding="gbk")
    assert not report.ok
    assert [(p.line, p.column) for p in report.problems] == [
        (3, "indicator_code"),
        (4, "indicator_code"),
        (5, "park_code"),
        (6, "unit"),
        (7, "value"),
        (8, "period"),
        (8, "value"),
    ]
    with Session(pool) as s:
        assert s.scalar(select(func.count()).select_from(PdiValue)) == 0


def ratings_file(rows: list[tuple[int, str, str, int]]) -> str:
    return "round,expert,indicator_code,rating\n" + "".join(
        f"{r},{e},{c},{v}\n" for r, e, c, v in rows
    )


def test_delphi_ratings_set_the_weights(pool):
    codes = [n.code for n in pdi.default_tree()]
    first = {"E1": (9, 6, 3), "E2": (8, 6, 4), "E3": (7, 5, 3)}  # the unit test's matrix
    rows = []
    for expert, (p, d, i) in first.items():
        for c in codes:
            rows.append((1, expert, c, {"P": p, "D": d, "I": i}.get(c, 5)))
    report = ingest(pool, ratings_file(rows), "pdi_ratings")
    assert report.ok, report.render()
    with Session(pool) as s:
        (rnd,) = pdi_store.delphi_rounds(s)
    assert (rnd.round, rnd.experts, rnd.indicators) == (1, 3, 29)
    chosen = pdi_store.apply_delphi(pool)
    assert chosen.weights()["P"] == pytest.approx(8 / 17)
    with Session(pool) as s:
        weights = {n.code: n.weight for n in pdi_store.tree(s)}
        assert s.get(PdiIndicator, "P").source == "Delphi round 1"
    # P 8/17, D 1/3, I 10/51; equal ratings elsewhere: P's four children 1/4 each
    assert (weights["P"], weights["D"], weights["I"]) == pytest.approx((8 / 17, 1 / 3, 10 / 51))
    assert weights["P1"] == pytest.approx(0.25)
    assert weights["I3"] == pytest.approx(1 / 3)
    ingest(pool, SCORES, "pdi_scores")
    # B now leads: E2 = 8/17*3.08 + 1/3*2.89 + 10/51*1.70 = 1.449412 + 0.963333 + 0.333333
    #                  = 2.746078; E1 = 8/17*2.94 + 1/3*1.84 + 10/51*3.65 = 2.712549
    assert totals(pool, industry="电子信息")[:2] == [("E2", 2.746078431, 1), ("E1", 2.71254902, 2)]


def test_incomplete_or_out_of_scale_ratings_are_rejected(pool):
    codes = [n.code for n in pdi.default_tree()]
    rows = [(1, e, c, 5) for e in ("E1", "E2") for c in codes if (e, c) != ("E2", "I33")]
    rows.append((1, "E1", "ZZ", 3))
    rows.append((1, "E3", "P", 10))
    report = ingest(pool, ratings_file(rows), "pdi_ratings")
    assert not report.ok
    assert [(p.line, p.column) for p in report.problems] == [
        (len(rows), "indicator_code"),
        (len(rows) + 1, "rating"),
    ]
    rows = rows[:-2]
    report = ingest(pool, ratings_file(rows), "pdi_ratings")
    assert [p.reason for p in report.problems] == [
        "第 1 轮专家 E2 缺少指标评分 (missing ratings: I33)"
    ]
    with Session(pool) as s:
        assert s.scalar(select(func.count()).select_from(PdiRating)) == 0


def test_a_full_tree_file_replaces_the_tree_and_bad_structure_is_rejected(pool, tmp_path):
    from importlib import resources

    src = (resources.files("datasource") / "data" / "pdi_tree.csv").read_text(encoding="utf-8")
    path = tmp_path / "tree.csv"
    path.write_text(src, encoding="utf-8")
    report = pdi_store.ingest_pdi_file(pool, path, "pdi_tree")
    assert report.ok, report.render()
    assert report.inserted == 29
    bad = src.replace(
        "P21,P2,3,能源排放强度,Energy carbon intensity,0.5,lower",
        "P21,P2,3,能源排放强度,Energy carbon intensity,0.5,higher",
    )
    bad = bad.replace("D11,D1,3,", "D11,X1,3,")
    path.write_text(bad, encoding="utf-8")
    report = pdi_store.ingest_pdi_file(pool, path, "pdi_tree")
    assert not report.ok
    assert sorted((p.line, p.column) for p in report.problems) == [
        (6, "direction"),
        (17, "parent_code"),
    ]


def test_demo_inputs_cover_every_park(pool):
    summary = demo_pdi.generate(pool, seed=7)
    assert (summary.parks, summary.values, summary.rounds) == (4, 4 * 17, 2)
    with Session(pool) as s:
        parks = pdi_store.evaluations(s)
        rounds = pdi_store.delphi_rounds(s)
    assert sorted(p.code for p in parks) == ["A1", "E1", "E2", "E3"]
    assert all(0.0 <= p.total <= 5.0 for p in parks)
    assert [r.another_round for r in rounds] == [True, False]


def test_missing_columns_empty_files_and_dry_runs_change_nothing(pool):
    report = ingest(pool, "park,dim,score\nE1,P,2\n", "pdi_scores")
    assert [(p.line, p.column) for p in report.problems] == [(1, "dimension")]
    report = ingest(pool, "园区,得分\nE1,2\n", "pdi_scores")
    assert report.problems[0].reason == "缺少必需的列 (missing columns: dimension)"
    report = ingest(pool, "", "pdi_values")
    assert [p.reason for p in report.problems] == ["空文件 (empty file)"]
    report = ingest(pool, "park_code,dimension,score\n", "pdi_scores")
    assert [p.reason for p in report.problems] == ["文件没有数据行 (no data rows)"]
    before = version(pool)
    report = pdi_store.ingest_pdi_bytes(pool, SCORES.encode(), "pdi_scores", dry_run=True)
    assert (report.ok, report.status) == (True, "dry-run")
    assert version(pool) == before
    with Session(pool) as s:
        assert s.scalar(select(func.count()).select_from(PdiScore)) == 0
    with pytest.raises(ValueError, match="unknown PDI file kind"):
        pdi_store.ingest_pdi_bytes(pool, b"x", "pdi_weights")


def test_xlsx_scores(pool):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["园区代码", "维度", "得分"])
    sheet.append(["E1", "表现力", 2.5])
    sheet.append(["E1", "发展力", 2])
    sheet.append(["E1", "影响力", 1])
    buf = io.BytesIO()
    book.save(buf)
    report = pdi_store.ingest_pdi_bytes(pool, buf.getvalue(), "pdi_scores", file_name="s.xlsx")
    assert report.ok, report.render()
    # 0.5*2.5 + 0.3*2 + 0.2*1 = 1.25 + 0.6 + 0.2 = 2.05
    assert totals(pool) == [("E1", 2.05, 1)]
