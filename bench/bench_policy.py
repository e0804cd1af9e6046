"""Policy library search on a large library: p50/p95 of ``policy.search`` on SQLite and PostgreSQL.

Usage: python bench/bench_policy.py [--docs 20000] [--repeat 30] [--pg-url URL] [--no-pg]

Builds the same library of synthetic Chinese documents (seeded, so every run is identical) in a
fresh SQLite file and in a fresh PostgreSQL schema (dropped afterwards), both migrated to the
newest schema, then times each query ``--repeat`` times, each in a fresh session, after three
untimed warm-up calls. Titles, 文号 and agencies follow the style of the demo library
(datasource/demo_policy.py, whose sentences the bodies reuse); bodies are 600-1,500 characters: the
topic's own sentences, then boilerplate and demo sentences.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.orm import Session

from datasource import demo_policy, policy
from datasource.engine import make_engine
from datasource.models_policy import PolicyDocument
from datasource.schema import migrate

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# (name, code, 文号 prefix); cities and parks carry their province's prefix
PROVINCES = (
    ("北京市", "110000", "京政发"),
    ("天津市", "120000", "津政发"),
    ("河北省", "130000", "冀政发"),
    ("山西省", "140000", "晋政发"),
    ("内蒙古自治区", "150000", "内政发"),
    ("辽宁省", "210000", "辽政发"),
    ("吉林省", "220000", "吉政发"),
    ("黑龙江省", "230000", "黑政发"),
    ("上海市", "310000", "沪府发"),
    ("江苏省", "320000", "苏政发"),
    ("浙江省", "330000", "浙政发"),
    ("安徽省", "340000", "皖政"),
    ("福建省", "350000", "闽政"),
    ("江西省", "360000", "赣府发"),
    ("山东省", "370000", "鲁政发"),
    ("河南省", "410000", "豫政"),
    ("湖北省", "420000", "鄂政发"),
    ("湖南省", "430000", "湘政发"),
    ("广东省", "440000", "粤府"),
    ("广西壮族自治区", "450000", "桂政发"),
    ("海南省", "460000", "琼府"),
    ("重庆市", "500000", "渝府发"),
    ("四川省", "510000", "川府发"),
    ("贵州省", "520000", "黔府发"),
    ("云南省", "530000", "云政发"),
    ("陕西省", "610000", "陕政发"),
    ("甘肃省", "620000", "甘政发"),
    ("青海省", "630000", "青政"),
    ("宁夏回族自治区", "640000", "宁政发"),
    ("新疆维吾尔自治区", "650000", "新政发"),
)
CITIES = (
    ("合肥市", "340100", "合政"),
    ("芜湖市", "340200", "芜政"),
    ("南京市", "320100", "宁政发"),
    ("苏州市", "320500", "苏府"),
    ("杭州市", "330100", "杭政"),
    ("宁波市", "330200", "甬政发"),
    ("广州市", "440100", "穗府"),
    ("深圳市", "440300", "深府"),
    ("成都市", "510100", "成府发"),
    ("武汉市", "420100", "武政"),
    ("西安市", "610100", "市政发"),
    ("郑州市", "410100", "郑政"),
    ("济南市", "370100", "济政发"),
    ("青岛市", "370200", "青政发"),
    ("长沙市", "430100", "长政发"),
    ("厦门市", "350200", "厦府"),
    ("昆明市", "530100", "昆政发"),
    ("包头市", "150200", "包府发"),
)
PARKS = (
    ("苏州工业园区", "320571"),
    ("合肥高新技术产业开发区", "340171"),
    ("宁波石化经济技术开发区", "330271"),
    ("鄂尔多斯零碳产业园", "150602"),
    ("天津经济技术开发区", "120116"),
)
MINISTRIES = (
    ("国务院", "国发"),
    ("国务院办公厅", "国办发"),
    ("国家发展改革委", "发改环资"),
    ("国家能源局", "国能发新能"),
    ("工业和信息化部", "工信部联节"),
    ("生态环境部", "环综合"),
    ("住房和城乡建设部", "建标"),
    ("交通运输部", "交规划发"),
    ("财政部", "财资环"),
    ("中国人民银行", "银发"),
)
TOPICS = (
    "碳达峰",
    "碳中和",
    "节能降碳",
    "氢能产业",
    "新能源汽车",
    "光伏发电",
    "风电开发",
    "新型储能",
    "绿色建筑",
    "碳排放权交易",
    "碳普惠",
    "甲烷排放控制",
    "工业领域碳达峰",
    "能源领域碳达峰",
    "城乡建设领域碳达峰",
    "交通运输绿色低碳",
    "循环经济",
    "减污降碳协同增效",
    "生态系统碳汇",
    "绿色金融",
    "零碳园区",
    "近零碳排放示范",
    "清洁取暖",
    "煤电节能降碳改造",
    "数据中心能效提升",
    "产品碳足迹管理",
    "温室气体排放核算",
    "可再生能源消纳",
    "分布式光伏",
    "碳排放双控",
)
POLICY_TITLES = (
    "{r}{t}实施方案",
    "{r}关于推进{t}的指导意见",
    "{r}{t}行动计划（{y}—{y5}年）",
    "关于印发{r}{t}工作方案的通知",
    "{r}{t}专项规划",
    "{r}{t}管理办法（试行）",
    "{r}关于加快{t}高质量发展的若干措施",
)
OTHER_TITLES = {
    "低碳资讯": ("{r}{t}工作取得积极进展", "{r}召开{t}推进会", "{r}发布{t}年度报告"),
    "低碳技术": ("{t}关键技术指南", "{t}技术路线图（{y}年版）", "{t}先进适用技术目录"),
    "先进案例": ("{r}{t}典型案例", "{r}{t}示范项目经验做法"),
    "专家培训": ("{t}专题培训课件", "{t}政策解读讲义"),
}
INTROS = (
    "为深入贯彻落实党中央、国务院关于碳达峰碳中和的重大决策部署",
    "为加快推动经济社会发展全面绿色转型",
    "为完整准确全面贯彻新发展理念",
)
# boilerplate every kind of document repeats
SENTENCES = (
    "到{y5}年，单位地区生产总值能耗比{y}年下降{p}%，单位地区生产总值二氧化碳排放确保完成国家下达目标。",
    "坚持节约优先、双轮驱动、内外畅通、防范风险的原则，统筹稳增长和调结构。",
    "严格控制化石能源消费，合理控制煤炭消费增长，加快建设新型电力系统。",
    "大力发展风电、太阳能发电，因地制宜开发水电，积极安全有序发展核电。",
    "坚决遏制高耗能、高排放、低水平项目盲目发展，严格落实产能置换要求。",
    "各地区、各有关部门要加强组织领导，压实工作责任，确保各项任务落地见效。",
    "加强宣传引导，普及碳达峰碳中和基础知识，营造绿色低碳社会氛围。",
    "健全法规标准和统计监测体系，完善价格、财税、金融等政策保障。",
    "建立工作调度机制，定期评估实施进展，及时研究解决重大问题。",
    "强化科技创新支撑，推动低碳零碳负碳技术研发和推广应用。",
    "加强人才队伍建设，将碳达峰碳中和相关内容纳入干部教育培训体系。",
    "鼓励社会资本参与绿色低碳项目建设运营，形成多元投入格局。",
    "加强国际交流合作，积极参与应对气候变化国际规则制定。",
    "推动能耗双控逐步转向碳排放总量和强度双控，完善配套考核制度。",
    "本文件自印发之日起施行，由{a}负责解释。",
)
# what a document about one topic says that others rarely do
TOPIC_SENTENCES = {
    "碳达峰": ("确保{r}二氧化碳排放在2030年前达到峰值，峰值水平控制在合理区间。",),
    "碳中和": ("构建清洁低碳安全高效的能源体系，力争2060年前实现碳中和。",),
    "节能降碳": ("推广余热发电、余热余压利用等节能技术，开展重点用能单位能效诊断。",),
    "氢能产业": (
        "加快推进氢能制储输用全链条发展，开展燃料电池汽车示范应用。",
        "支持可再生能源电解水制氢项目建设，布局一批加氢站。",
    ),
    "新能源汽车": ("完善充换电基础设施，推动城市公交、出租、物流配送车辆电动化替代。",),
    "光伏发电": ("推进整县屋顶分布式光伏开发，建设大型光伏发电基地。",),
    "风电开发": ("有序推进海上风电集群开发，推动老旧风电场改造升级。",),
    "新型储能": ("推动电源侧、电网侧和用户侧储能协同发展，探索共享储能商业模式。",),
    "绿色建筑": ("全面推行绿色建筑标准，推进既有建筑节能改造，推广建筑光伏一体化。",),
    "碳排放权交易": ("做好重点排放单位配额分配与清缴履约，加强碳排放数据质量监管。",),
    "碳普惠": ("建立碳普惠积分平台，引导公众践行绿色出行、节约用电等低碳行为。",),
    "甲烷排放控制": ("加强油气开采、煤矿瓦斯等领域甲烷回收利用，建立甲烷排放监测体系。",),
    "工业领域碳达峰": ("推动钢铁、建材、石化化工、有色金属等重点行业实施节能降碳技术改造。",),
    "能源领域碳达峰": ("有序推动煤电节能降碳改造、灵活性改造、供热改造“三改联动”。",),
    "城乡建设领域碳达峰": ("推进城乡建设绿色低碳转型，打造绿色低碳县城和乡村。",),
    "交通运输绿色低碳": ("加快大宗货物“公转铁”“公转水”，推广新能源和清洁能源运输装备。",),
    "循环经济": ("推进产业园区循环化改造，提高资源综合利用效率，发展再制造产业。",),
    "减污降碳协同增效": ("推进大气、水、土壤污染防治与温室气体排放控制协同治理。",),
    "生态系统碳汇": ("开展国土绿化行动，提升森林、草原、湿地固碳能力，探索碳汇项目开发。",),
    "绿色金融": ("用好碳减排支持工具，引导金融机构加大对绿色低碳项目的信贷支持。",),
    "零碳园区": ("建设园区能源管理平台，推广分布式光伏、储能与微电网。",),
    "近零碳排放示范": ("遴选一批基础条件好的园区、社区开展近零碳排放示范工程建设。",),
    "清洁取暖": ("因地制宜推进北方地区冬季清洁取暖，推广热泵、生物质等供暖方式。",),
    "煤电节能降碳改造": ("对供电煤耗高于300克标准煤每千瓦时的机组加快实施节能改造。",),
    "数据中心能效提升": ("新建大型数据中心电能利用效率不高于1.3，推动存量数据中心节能改造。",),
    "产品碳足迹管理": ("开展重点产品碳足迹核算，建立产品碳标识认证制度。",),
    "温室气体排放核算": ("完善重点企业温室气体排放报告制度，统一核算方法与排放因子。",),
    "可再生能源消纳": ("落实可再生能源电力消纳责任权重，提升电网调峰能力。",),
    "分布式光伏": ("鼓励工业厂房、公共建筑屋顶建设分布式光伏，推动就近消纳。",),
    "碳排放双控": ("加快建立能耗双控向碳排放双控全面转型新机制，分解落实碳排放指标。",),
}
CATEGORY_WEIGHTS = (
    ("政策法规", 60),
    ("低碳资讯", 20),
    ("低碳技术", 8),
    ("先进案例", 7),
    ("专家培训", 5),
)
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _demo_sentences() -> list[str]:
    """The demo library's body sentences, reused as filler."""
    out = []
    for row in demo_policy.DOCUMENTS:
        out += [s + "。" for s in row[8].split("。") if len(s) > 8]
    return out


def make_documents(n: int, *, seed: int = 20211024) -> list[dict[str, object]]:
    rng = random.Random(seed)
    pool = [*SENTENCES, *_demo_sentences()]
    cats = [c for c, w in CATEGORY_WEIGHTS for _ in range(w)]
    counters: dict[str, int] = {}
    docs = []
    for _ in range(n):
        category = rng.choice(cats)
        topic = rng.choice(TOPICS)
        issued = date(2019, 1, 1) + timedelta(days=rng.randrange(6 * 365))
        y = issued.year
        roll = rng.random()
        if roll < 0.25:
            agency, prefix = rng.choice(MINISTRIES)
            region, code, level = "", "100000", "national"
        elif roll < 0.7:
            name, code, prefix = rng.choice(PROVINCES)
            region, agency, level = name, f"{name}人民政府", "provincial"
        elif roll < 0.92:
            name, code, prefix = rng.choice(CITIES)
            region, agency, level = name, f"{name}人民政府", "municipal"
        else:
            name, code = rng.choice(PARKS)
            region, agency, prefix, level = name, f"{name}管理委员会", "", "park"
        template = rng.choice(POLICY_TITLES if category == "政策法规" else OTHER_TITLES[category])
        title = template.format(r=region, t=topic, y=y, y5=y + 5)
        doc_no = None
        if category == "政策法规" and prefix:
            counters[prefix] = counters.get(prefix, 0) + 1
            doc_no = f"{prefix}〔{y}〕{counters[prefix] % 300 + 1}号"
        fmt = {"r": region, "y": y, "y5": y + 5, "a": agency}
        parts = [
            f"{rng.choice(INTROS)}，推进{region}{topic}工作，制定本文件。",
            *(s.format(**fmt) for s in TOPIC_SENTENCES[topic]),
        ]
        target = rng.randrange(600, 1500)
        for sentence in rng.sample(pool, len(pool)):
            if sum(map(len, parts)) >= target:
                break
            parts.append(sentence.format(p=rng.choice((13.5, 14, 16, 18)), **fmt))
        docs.append(
            {
                "title": title,
                "doc_no": doc_no,
                "agency": agency,
                "issued_on": issued,
                "level": level,
                "category": category,
                "region_code": code,
                "tags": ",".join(dict.fromkeys([topic, *(rng.sample(TOPICS, 2))])),
                "body": "".join(parts),
                "hidden": rng.random() < 0.02,
                "created_at": T0,
                "created_by": "bench",
                "updated_at": T0,
                "updated_by": "bench",
            }
        )
    return docs


QUERIES: dict[str, dict[str, object]] = {
    "4-char title substring 氢能产业": {"q": "氢能产业"},
    "body substring 煤矿瓦斯": {"q": "煤矿瓦斯"},
    "two terms 碳达峰 加氢站": {"q": "碳达峰 加氢站"},
    "2-char term 储能": {"q": "储能"},
    "实施方案 + level/category/date": {
        "q": "实施方案",
        "level": "provincial",
        "category": "政策法规",
        "date_from": date(2022, 1, 1),
    },
    "no match 量子纠缠通信": {"q": "量子纠缠通信"},
}


def build(engine: Engine, docs: list[dict[str, object]]) -> float:
    start = time.perf_counter()
    migrate(engine)
    with Session(engine) as session, session.begin():
        for i in range(0, len(docs), 2000):
            session.execute(insert(PolicyDocument), docs[i : i + 2000])
    with engine.begin() as conn:
        conn.execute(
            text("ANALYZE policy_document" if engine.dialect.name == "postgresql" else "ANALYZE")
        )
    return time.perf_counter() - start


def timed(engine: Engine, kwargs: dict[str, object], repeat: int) -> tuple[int, float, float]:
    for _ in range(3):
        with Session(engine) as session:
            total = policy.search(session, **kwargs).total
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        with Session(engine) as session:
            policy.search(session, **kwargs)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return total, statistics.median(samples), samples[max(0, round(0.95 * repeat) - 1)]


def with_pg_schema(url: str, fn: Callable[[str], None]) -> None:
    schema = f"bench_policy_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in url else "?"
    try:
        fn(f"{url}{sep}options=-csearch_path%3D{schema}")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    docs = make_documents(args.docs)
    chars = statistics.mean(len(d["body"]) for d in docs)
    print(
        f"{len(docs)} documents, mean body {chars:.0f} characters, {args.repeat} timed calls each"
    )
    results: dict[str, dict[str, tuple[int, float, float]]] = {}

    def run(name: str, url: str) -> None:
        engine = make_engine(url)
        try:
            seconds = build(engine, docs)
            print(f"{name}: built and migrated in {seconds:.1f} s")
            results[name] = {q: timed(engine, kw, args.repeat) for q, kw in QUERIES.items()}
        finally:
            engine.dispose()

    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{Path(tmp) / 'bench_policy.sqlite'}")
    if not args.no_pg:
        with_pg_schema(args.pg_url, lambda url: run("postgresql", url))

    head = f"{'query':34s}" + "".join(
        f" | {db:>10s} hits {'p50 ms':>8s} {'p95 ms':>8s}" for db in results
    )
    print("\n" + head)
    print("-" * len(head))
    for q in QUERIES:
        line = f"{q:34s}"
        for db in results:
            total, p50, p95 = results[db][q]
            line += f" | {total:>15d} {p50:8.1f} {p95:8.1f}"
        print(line)


if __name__ == "__main__":
    main()
