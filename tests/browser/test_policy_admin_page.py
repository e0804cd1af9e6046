"""The policy library's administration page in headless Chromium, on the whole product
(create_app, the /login form, the signed session): a viewer is refused on the page; an
administrator adds a document with the form, attaches its PDF, imports a catalogue with a bad
row (told which row and why, nothing imported), and finds the new document by search."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard import auth
from dashboard.app import create_app
from dashboard.config import Settings
from datasource import demo_policy, policy
from datasource.engine import make_engine, make_sessions
from datasource.schema import migrate
from layouts.pages import policy as library_page
from layouts.pages import policy_admin as page

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def site(tmp_path):
    url = f"sqlite:///{tmp_path}/admin.sqlite"
    engine = make_engine(url)
    migrate(engine)
    sessions = make_sessions(engine)
    with sessions() as s, s.begin():
        demo_policy.load_demo(s, now=datetime.now(UTC))
    auth.create_user(engine, "admin", "correct horse battery", role="admin")
    auth.create_user(engine, "reader", "reader password", role="viewer")
    settings = Settings(
        database_url=url,
        run_scheduler=False,
        geo_cache_dir=str(tmp_path / "geo"),
        secret_key="k" * 64,
        max_upload_mb=2,
    )
    yield create_app(settings), sessions
    engine.dispose()


def log_in(dash_duo, user, password):
    driver = dash_duo.driver
    driver.delete_all_cookies()
    driver.get(dash_duo.server_url + "/login?next=/policy/admin")
    driver.find_element(By.ID, "u").send_keys(user)
    driver.find_element(By.ID, "p").send_keys(password, Keys.ENTER)
    until(lambda: driver.current_url.endswith("/policy/admin"), timeout=10)


def pick(dash_duo, dropdown_id, value):
    """Choose ``value`` in a Dash 4 dropdown (open it, click the option)."""
    driver = dash_duo.driver
    dash_duo.find_element(f"#{dropdown_id}").click()
    option = f"//label[contains(@class, 'dash-dropdown-option')][.//input[@value='{value}']]"
    until(lambda: driver.find_elements(By.XPATH, option), timeout=10)
    driver.find_element(By.XPATH, option).click()


def type_into(dash_duo, field, text):
    element = dash_duo.find_element(f"#{page.FIELDS[field]}")
    element.clear()
    element.send_keys(text)


def test_adm001_viewer_refused_admin_adds_uploads_imports_and_finds(dash_duo, site, tmp_path):
    app, sessions = site
    dash_duo.start_server(app)
    driver = dash_duo.driver
    driver.set_window_size(1920, 1080)
    with sessions() as s:
        total = policy.search(s, include_hidden=True).total

    # a viewer logs in and opens the page: refused, and no document reaches the browser
    log_in(dash_duo, "reader", "reader password")
    dash_duo.wait_for_contains_text(f"#{page.GATE}", "无权限：用户 reader 不是管理员", timeout=10)
    assert not dash_duo.find_element(f"#{page.BODY}").is_displayed()
    assert dash_duo.find_elements(".padmin-row") == []
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / "policy-admin-refused.png"))

    # the administrator sees every document and an empty form
    log_in(dash_duo, "admin", "correct horse battery")
    until(lambda: dash_duo.find_element(f"#{page.BODY}").is_displayed(), timeout=10)
    until(lambda: len(dash_duo.find_elements(".padmin-row")) == total, timeout=10)
    assert dash_duo.find_element(f"#{page.USER}").text == "管理员 admin退出"

    type_into(dash_duo, "title", "黄山市近零碳景区建设指南")
    type_into(dash_duo, "doc_no", "黄政办〔2024〕9号")
    type_into(dash_duo, "agency", "黄山市人民政府办公室")
    date_box = dash_duo.find_element(f"#{page.FIELDS['issued_on']}")
    driver.execute_script(  # a date input takes keys in the browser's locale order; set it
        "const [e, v] = arguments;"
        "Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(e, v);"
        "e.dispatchEvent(new Event('input', {bubbles: true}));",
        date_box,
        "2024-06-18",
    )
    pick(dash_duo, page.FIELDS["level"], "municipal")
    pick(dash_duo, page.FIELDS["category"], "先进案例")
    type_into(dash_duo, "region_code", "341000")
    type_into(dash_duo, "tags", "景区，近零碳")
    type_into(dash_duo, "body", "以光伏廊道和电动接驳车替代燃油车，景区年减排二氧化碳约1.2万吨。")
    dash_duo.find_element(f"#{page.SAVE}").click()
    dash_duo.wait_for_contains_text(f"#{page.FORM_MSG}", "已新增文件 #", timeout=10)
    new_id = int(dash_duo.find_element(f"#{page.FORM_MSG}").text.split("#")[1])
    dash_duo.wait_for_text_to_equal(f"#{page.FORM_TITLE}", f"编辑文件 #{new_id}", timeout=10)
    until(lambda: len(dash_duo.find_elements(".padmin-row")) == total + 1, timeout=10)

    # its PDF, dropped on the upload (the file input inside dcc.Upload)
    pdf_path = tmp_path / "黄山 指南.pdf"
    pdf_path.write_bytes(PDF)
    driver.find_element(By.CSS_SELECTOR, f"#{page.PDF} input[type=file]").send_keys(str(pdf_path))
    dash_duo.wait_for_contains_text(f"#{page.PDF_MSG}", "已上传 黄山_指南.pdf", timeout=10)

    # a catalogue with one bad row: told which row and why, nothing imported
    catalogue = tmp_path / "目录.csv"
    catalogue.write_text(
        "标题,发文机关,发文日期,级别,类别,地区代码\n"
        "宣城市碳达峰实施方案,宣城市人民政府,2023-05-06,市级,政策法规,341800\n"
        "池州市碳达峰实施方案,池州市人民政府,2023-02-30,市级,政策法规,341700\n",
        encoding="utf-8",
    )
    driver.find_element(By.CSS_SELECTOR, f"#{page.IMPORT} input[type=file]").send_keys(
        str(catalogue)
    )
    dash_duo.wait_for_contains_text(f"#{page.IMPORT_MSG}", "未导入（全部或全不）", timeout=10)
    assert "第 3 行 [issued_on]: 日期无法识别 '2023-02-30'" in (
        dash_duo.find_element(f"#{page.IMPORT_MSG}").text
    )
    dash_duo.wait_for_contains_text(f"#{page.AUDIT}", "上传PDF", timeout=10)
    assert dash_duo.find_elements(f"#{page.AUDIT} .padmin-audit-row")[0].text.split()[2:4] == [
        "admin",
        "上传PDF",
    ]
    driver.save_screenshot(str(SHOTS / "policy-admin.png"))
    with sessions() as s:
        assert policy.search(s, include_hidden=True).total == total + 1
        assert policy.get_pdf(s, new_id) == ("黄山_指南.pdf", PDF)

    # the library finds it by a Chinese substring of its body, and offers the PDF
    driver.get(dash_duo.server_url + "/policy")
    box = dash_duo.wait_for_element(f"#{library_page.Q}", timeout=10)
    box.send_keys("电动接驳车", Keys.ENTER)
    dash_duo.wait_for_contains_text(f"#{library_page.RESULTS}", "共找到 1 份文件", timeout=10)
    assert dash_duo.find_element(".policy-title").text == "黄山市近零碳景区建设指南"
    dash_duo.find_element(".policy-title").click()
    dash_duo.wait_for_contains_text(f"#{library_page.READER}", "黄政办〔2024〕9号", timeout=10)
    link = dash_duo.find_element(f"#{library_page.READER} a.btn")
    assert link.get_attribute("href").endswith(f"/api/policy/documents/{new_id}/pdf")
    assert [e for e in dash_duo.get_logs() if e["level"] == "SEVERE"] == []

    # 退出 ends the session: the administration page asks for a login again
    dash_duo.find_element(f"#{library_page.USER} button").click()
    until(lambda: "/login" in driver.current_url, timeout=10)
    driver.get(dash_duo.server_url + "/policy/admin")
    dash_duo.wait_for_contains_text(f"#{page.GATE}", "文件管理仅限管理员：请先登录", timeout=10)
