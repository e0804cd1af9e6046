"""The data pool page's callbacks over HTTP (/_dash-update-component, as the browser sends them)
on SQLite and PostgreSQL: an administrator uploads a good emissions file (accepted, counted,
the data version moves), a bad one (each row and why, nothing changed, the batch listed as
rejected with its rows), a dry run (nothing written), a PDI file; a viewer or an anonymous
visitor who forges the same requests reads nothing and changes nothing."""

from __future__ import annotations

import base64
import json

import dash
import pytest
from dash import html
from dash_calls import call, text
from policy_docs import ADMIN, VIEWER
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from test_ingest_rules import REGIONS

from callbacks import data_pool as data_callbacks
from dashboard import auth, policy_routes
from dashboard.config import Settings
from datasource import pool_admin
from datasource.ingest import ingest_bytes
from datasource.models import Emission, IngestBatch
from datasource.schema import load_regions
from layouts.pages import data_pool as page

HEADER = "region_code,period,sector_code,gas,value,unit,备注\n"
GOOD = (
    HEADER
    + "340102,2024,1.1.1.1,CO2,10,t,首次填报\n"
    + "340103,2024,1.1.1.1,CO2,12.5,t,\n"
    + "340104,2024,1.1.1.1,CH4,0.3,t,\n"
)
BAD = (
    HEADER
    + "340102,2024,1.1.1.1,CO2,10,t,\n"
    + "340103,2024-13,1.1.1.1,CO2,abc,t,\n"
    + "340199,2024,1.1.1.1,CH4,0.3,t,\n"
)
ZH = {"lang": "zh"}


@pytest.fixture
def site(engine, sessions):
    auth.create_user(engine, *ADMIN, role="admin")
    auth.create_user(engine, *VIEWER, role="viewer")
    with Session(engine) as session, session.begin():
        load_regions(session, REGIONS)
    settings = Settings(secret_key="test-key", max_upload_mb=1, refresh_seconds=60)
    app = dash.Dash(__name__, suppress_callback_exceptions=True)
    app.layout = html.Div()
    data_callbacks.register(app, sessions=sessions, settings=settings, engine=engine)
    policy_routes.register(app.server, sessions=sessions, settings=settings)
    return app


def _client(app, who):
    client = app.server.test_client()
    if who is not None:
        r = client.post("/api/policy/login", json={"username": who[0], "password": who[1]})
        assert r.status_code == 200
    return client


def upload(client, app, body, *, name="排放.csv", kind="auto", dry=False, lang="zh"):
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    data = "data:text/csv;base64," + base64.b64encode(raw).decode()
    state = {
        page.UPLOAD: name,
        page.KIND: kind,
        page.DRY_RUN: ["dry"] if dry else [],
        page.CHANGED: 0,
        page.PARAMS: {"lang": lang},
    }
    return call(client, app, (page.UPLOAD, "contents"), [data], state=state)


def history(client, app, more=0):
    return call(client, app, (page.MORE, "n_clicks"), [0, more], state={page.PARAMS: ZH})


def click_batch(client, app, batch_ids, clicked, lang="zh"):
    """Click the file name of batch ``clicked`` among the history's ``batch_ids``."""
    inputs = [
        {"id": page.batch_id(b), "property": "n_clicks", "value": 1 if b == clicked else None}
        for b in batch_ids
    ]
    trigger = json.dumps(page.batch_id(clicked), sort_keys=True, separators=(",", ":"))
    response = client.post(
        "/_dash-update-component",
        json={
            "output": f"{page.DETAIL}.children",
            "outputs": {"id": page.DETAIL, "property": "children"},
            "inputs": [inputs],
            "changedPropIds": [f"{trigger}.n_clicks"],
            "state": [{"id": page.PARAMS, "property": "data", "value": {"lang": lang}}],
        },
    )
    assert response.status_code == 200, response.data[:300]
    return response.json["response"][page.DETAIL]["children"]


def pool(sessions):
    """(emission rows, batches, data version) of the pool."""
    with sessions() as s:
        rows = s.scalar(select(func.count()).select_from(Emission))
        batches = s.scalar(select(func.count()).select_from(IngestBatch))
        return rows, batches, pool_admin.pool_state(s).version


def latest_batch(sessions):
    with sessions() as s:
        return pool_admin.batches(s, limit=1).batches[0]


@pytest.mark.parametrize("who", [None, VIEWER], ids=["anonymous", "viewer"])
def test_dpool001_forged_callbacks_change_and_read_nothing(site, engine, sessions, who):
    app = site
    seeded = ingest_bytes(engine, GOOD.encode(), "seed.csv", source="cli")
    assert seeded.ok
    client = _client(app, who)
    before = pool(sessions)
    assert before == (3, 1, 1)

    gate = call(client, app, (page.PARAMS, "data"), [ZH])
    assert gate[page.BODY]["style"] == {"display": "none"}
    expected = (
        "数据资源池管理仅限管理员：请先登录"
        if who is None
        else "无权限：用户 reader 不是管理员，不能管理数据资源池"
    )
    assert expected in text(gate[page.GATE]["children"])

    out = upload(client, app, GOOD.replace(",10,", ",99,"))
    assert text(out[page.REPORT]["children"]) == "无权限：仅管理员可以导入数据"
    assert page.CHANGED not in out
    dry = upload(client, app, GOOD, dry=True)[page.REPORT]["children"]
    assert dry["props"]["className"].endswith("alert-danger")
    assert pool(sessions) == before

    # reading is refused too: the history, the state and a batch's detail stay empty
    listing = history(client, app)
    assert listing[page.HISTORY]["children"] is None
    assert listing[page.MORE]["style"] == {"display": "none"}
    state = call(client, app, (page.TICK, "n_intervals"), [0, 1], state={page.PARAMS: ZH})
    assert state[page.STATE]["children"] is None
    assert click_batch(client, app, [seeded.batch_id], seeded.batch_id) is None


def test_dpool002_admin_uploads_a_good_file_again_and_a_changed_one(site, sessions):
    app = site
    client = _client(app, ADMIN)
    assert call(client, app, (page.PARAMS, "data"), [ZH])[page.BODY]["style"] == page.BODY_SHOWN
    assert pool(sessions) == (0, 0, 0)

    out = upload(client, app, GOOD)
    assert [text(x) for x in out[page.REPORT]["children"]["props"]["children"]] == [
        "已导入：排放.csv（排放数据）",
        "3 行：新增 3，替换 0，未变 0",
        "批次 #1，数据版本现为 1",
        "大屏汇总数据将由调度程序在后台重建。",
        "已忽略的列（未导入）：备注",
    ]
    assert out[page.CHANGED]["data"] == 1
    assert out[page.UPLOAD]["contents"] is None  # emptied: the same file can be sent again
    assert pool(sessions) == (3, 1, 1)
    first = latest_batch(sessions)
    assert (first.status, first.source, first.rows, first.inserted) == ("accepted", "web", 3, 3)
    assert first.actor == "admin"  # who loaded it

    again = upload(client, app, GOOD)
    assert [text(x) for x in again[page.REPORT]["children"]["props"]["children"]][:3] == [
        "数据无变化：排放.csv（排放数据）与库中数据相同",
        "3 行：新增 0，替换 0，未变 3",
        "批次 #2，数据版本仍为 1",
    ]
    changed = upload(client, app, GOOD.replace(",10,", ",11,"), name="排放-修订.csv")
    assert "3 行：新增 0，替换 1，未变 2批次 #3，数据版本现为 2" in text(
        changed[page.REPORT]["children"]
    )
    assert pool(sessions) == (3, 3, 2)

    table = history(client, app)[page.HISTORY]["children"]
    rows = [
        text(tr)
        for tr in table["props"]["children"][0]["props"]["children"][1]["props"]["children"]
    ]
    assert [r[19:] for r in rows] == [
        "排放-修订.csv排放数据已导入301网页 · admin",
        "排放.csv排放数据无变化300网页 · admin",
        "排放.csv排放数据已导入330网页 · admin",
    ]
    assert text(table).endswith("显示最新 3 批，共 3 批")

    detail = text(click_batch(client, app, [3, 2, 1], 3))
    assert detail == (
        "批次 #3：排放-修订.csv（排放数据，已导入）被替换的值（共 1 个）"
        "数据表键原值 → 新值排放数据340102|2024|1.1.1.1|CO210 → 11"
        "数值为库中的存储单位（排放量：吨或吨CO₂e）"
    )
    assert text(click_batch(client, app, [3, 2, 1], 2)).endswith("此批次没有替换库中已有的值")

    state = call(client, app, (page.TICK, "n_intervals"), [1, 1], state={page.PARAMS: ZH})
    shown = text(state[page.STATE]["children"])
    assert shown.startswith("当前数据版本：2（20")
    assert "大屏汇总：尚未构建待重建" in shown
    assert "约每 60 秒检查一次数据版本" in shown


def test_dpool003_admin_bad_file_names_each_row_and_changes_nothing(site, engine, sessions):
    app = site
    assert ingest_bytes(engine, GOOD.encode(), "seed.csv", source="cli").ok
    client = _client(app, ADMIN)
    before = pool(sessions)

    out = upload(client, app, BAD, name="错误.csv")
    report = out[page.REPORT]["children"]
    assert report["props"]["className"].endswith("dpool-rejected")
    assert text(report) == (
        "已拒绝，未导入：错误.csv（排放数据）有 3 个问题"
        "第 3 行 [period]: 期间格式错误 (malformed period) '2024-13': 应为年份 2024 或月份 2024-07"
        "第 3 行 [value]: 不是数字 (not a number): 'abc'"
        "第 4 行 [region_code]: 未知地区代码 (unknown region): '340199'"
        "数据资源池没有任何改变（全部导入或全部不导入），数据版本仍为 1。"
        "此次尝试已记为批次 #2，可在导入历史中查看。"
    )
    assert out[page.CHANGED]["data"] == 1  # the history re-reads: the attempt is listed
    rows, batches, version = pool(sessions)
    assert (rows, batches, version) == (before[0], before[1] + 1, before[2])
    with sessions() as s:
        assert s.scalar(select(func.sum(Emission.value))) == pytest.approx(22.8)

    table = text(history(client, app)[page.HISTORY]["children"])
    assert "错误.csv排放数据已拒绝300网页" in table
    detail = text(click_batch(client, app, [2, 1], 2))
    assert detail == (
        "批次 #2：错误.csv（排放数据，已拒绝）拒绝原因（共 3 条）"
        "第 3 行 [period]: 期间格式错误 (malformed period) '2024-13': 应为年份 2024 或月份 2024-07"
        "第 3 行 [value]: 不是数字 (not a number): 'abc'"
        "第 4 行 [region_code]: 未知地区代码 (unknown region): '340199'"
    )

    english = upload(client, app, BAD, name="bad.csv", lang="en")
    assert text(english[page.REPORT]["children"]).startswith(
        "Rejected, nothing loaded: 3 problems in bad.csv (Emissions)Line 3 [period]: "
    )
    assert "Nothing in the data pool changed (all or nothing); the data version is still 1." in (
        text(english[page.REPORT]["children"])
    )


def test_dpool004_dry_run_writes_nothing(site, sessions):
    app = site
    client = _client(app, ADMIN)
    out = upload(client, app, GOOD, dry=True)
    assert [text(x) for x in out[page.REPORT]["children"]["props"]["children"]] == [
        "校验通过（仅校验，未写入）：排放.csv（排放数据）",
        "3 行：新增 3，替换 0，未变 0",
        "数据版本仍为 0",
        "已忽略的列（未导入）：备注",
    ]
    assert page.CHANGED not in out
    bad = upload(client, app, BAD, dry=True)
    assert "数据资源池没有任何改变" in text(bad[page.REPORT]["children"])
    assert "此次尝试已记为批次" not in text(bad[page.REPORT]["children"])
    assert pool(sessions) == (0, 0, 0)
    assert text(history(client, app)[page.HISTORY]["children"]) == "尚无导入批次"


def test_dpool005_pdi_kind_goes_to_the_pdi_ingest_and_limits_hold(site, sessions):
    app = site
    client = _client(app, ADMIN)
    out = upload(client, app, "a,b\n1,2\n", name="得分.csv", kind="pdi_scores")
    assert text(out[page.REPORT]["children"]) == (
        "已拒绝，未导入：得分.csv（园区维度得分）有 1 个问题"
        "第 1 行 [park_code,dimension,score]: 缺少必需的列 "
        "(missing columns: park_code, dimension, score)"
        "数据资源池没有任何改变（全部导入或全部不导入），数据版本仍为 0。"
        "此次尝试已记为批次 #1，可在导入历史中查看。"
    )
    pdi = latest_batch(sessions)
    assert (pdi.kind, pdi.status, pdi.source, pdi.actor) == (
        "pdi_scores",
        "rejected",
        "web",
        "admin",
    )

    big = upload(client, app, GOOD.encode() + b"#" * (1024 * 1024))
    assert text(big[page.REPORT]["children"]) == "文件超过 1 MB 上限"
    forged = call(
        client,
        app,
        (page.UPLOAD, "contents"),
        ["data:text/csv;base64,***"],
        state={page.UPLOAD: "x.csv", page.KIND: "auto", page.PARAMS: ZH},
    )
    assert text(forged[page.REPORT]["children"]) == "文件无法读取"
    # a kind the page does not offer is detected from the header instead
    odd = upload(client, app, GOOD, name="../../etc/排放.csv", kind="drop table")
    assert text(odd[page.REPORT]["children"]).startswith("已导入：排放.csv（排放数据）")
    assert pool(sessions) == (3, 2, 1)


def test_dpool006_history_pages_newest_first(engine, sessions):
    with Session(engine) as session, session.begin():
        load_regions(session, REGIONS)
    for i in range(3):
        body = GOOD.replace(",10,", f",{10 + i},")
        assert ingest_bytes(engine, body.encode(), f"f{i}.csv", source="api").ok
    with sessions() as s:
        first = pool_admin.batches(s, limit=2)
        rest = pool_admin.batches(s, limit=2, offset=2)
        detail = pool_admin.batch_detail(s, first.batches[0].id, limit=1)
        missing = pool_admin.batch_detail(s, 999)
    assert [b.file_name for b in first.batches] == ["f2.csv", "f1.csv"]
    assert (first.total, [b.file_name for b in rest.batches]) == (3, ["f0.csv"])
    assert first.batches[0].created_at.tzinfo is not None
    assert [(c.key, c.old_value, c.new_value) for c in detail.changes] == [
        ("340102|2024|1.1.1.1|CO2", 11.0, 12.0)
    ]
    assert (detail.changes_total, detail.rejected, missing) == (1, [], None)


def test_dpool007_migration_0002_adds_and_removes_the_actor_column(engine):
    """0002_batch_actor on both databases: the column is there after migrate, a downgrade to
    0001 on its branch removes it (older batches keep loading), an upgrade brings it back."""
    from alembic import command
    from sqlalchemy import inspect

    from datasource.schema import alembic_config

    def columns() -> list[str]:
        return [c["name"] for c in inspect(engine).get_columns("ingest_batch")]

    def migrate_to(revision: str, down: bool) -> None:
        cfg = alembic_config(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(cfg, revision)

    assert columns()[-1] == "actor"
    migrate_to("0002_batch_actor@0001", down=True)
    assert "actor" not in columns()
    migrate_to("heads", down=False)
    assert columns()[-1] == "actor"
