"""Synthetic settlement lines with planted violations at known places, built set-based in DuckDB (no Python
loop per line): the demo's data set, the tests' recall/precision set and the bench's 20M lines.

Background lines are built so that no rule fires on them: catalogue items without limits, one person per
outpatient visit or pharmacy purchase, inpatient people apart from outpatient people, every stay with a
non-bed item, and institution means per visit spread evenly (leave-one-out z well under 3). Each planted
violation fires exactly its own rule, at an institution other than the cost outlier. ``expected`` lists
every (rule_code, feedetl_sn) the rules must find — no more, no fewer.
"""

import datetime
from dataclasses import dataclass

CATALOGUE = [
    # hilist_code, hilist_name, category, price_cap, sex_limit, age_min, age_max, max_qty_per_day,
    # min_inst_level, exclusive_group
    ("D001", "阿莫西林胶囊", "drug", "", "", "", "", "", "", ""),
    ("D002", "布洛芬缓释胶囊", "drug", "", "", "", "", "", "", ""),
    ("E001", "血常规检查", "exam", "", "", "", "", "", "", ""),
    ("T001", "静脉输液", "treatment", "", "", "", "", "", "", ""),
    ("B001", "普通病房床位费", "bed", "", "", "", "", "", "", ""),
    ("SEX2", "宫颈癌筛查", "exam", "", "2", "", "", "", "", ""),
    ("AGE18", "成人用复方制剂", "drug", "", "", "18", "", "", "", ""),
    ("CAP1", "彩色多普勒超声", "exam", "100.00", "", "", "", "", "", ""),
    ("QTY1", "注射用头孢曲松钠", "drug", "", "", "", "", "3", "", ""),
    ("LVL3", "心脏介入治疗", "treatment", "", "", "", "", "", "3", ""),
    ("EXA", "静脉注射", "treatment", "", "", "", "", "", "", "G1"),
    ("EXB", "静脉输液（加收）", "treatment", "", "", "", "", "", "", "G1"),
]
CATALOGUE_HEADER = (
    "hilist_code,hilist_name,category,price_cap,sex_limit,age_min,age_max,max_qty_per_day,min_inst_level,"
    "exclusive_group"
)
LINE_COLUMNS = (
    "feedetl_sn,setl_id,mdtrt_id,psn_no,gend,brdy,fixmedins_code,med_type,begndate,enddate,dise_codg,"
    "hilist_code,cnt,pric,det_item_fee_sumamt,fund_pay,fee_ocur_time"
).split(",")
PLANTED_RULES = (
    "SEX_LIMIT",
    "AGE_LIMIT",
    "PRICE_CAP",
    "QTY_LIMIT",
    "LEVEL_LIMIT",
    "EXCLUSIVE_ITEMS",
    "READMISSION",
    "OUTSIDE_DURING_STAY",
    "MULTI_PHARMACY",
    "PHANTOM_BED",
    "UNLISTED_ITEM",
    "COST_OUTLIER",
)


def catalogue_csv() -> str:
    return CATALOGUE_HEADER + "\n" + "\n".join(",".join(row) for row in CATALOGUE) + "\n"


@dataclass
class Plan:
    """Sizes: outpatient visits, pharmacy purchases and inpatient stays of the background, planted cases per
    rule, the first day and the number of days."""

    visits: int = 2000
    purchases: int = 1000
    stays: int = 200
    planted: int = 3
    start: datetime.date = datetime.date(2026, 1, 1)
    days: int = 60
    prefix: str = "G"  # line ids start with it, so several generated sets never collide


def _values(rows) -> str:
    return ", ".join("(" + ", ".join(repr(v) if isinstance(v, str) else str(v) for v in row) + ")" for row in rows)


def generate(con, institutions: list[tuple[str, str, int]], plan: Plan) -> None:
    """Create tables ``gen_lines`` (the line columns, typed) and ``expected (rule_code, feedetl_sn)`` in the
    DuckDB connection ``con``. ``institutions``: (code, kind, level) with level 0 for none; it needs pharmacies,
    hospitals and six outpatient institutions of one kind and level (the outlier and its five peers)."""
    pharmacies = [i for i in institutions if i[1] == "pharmacy"]
    hospitals = [i for i in institutions if i[1] == "hospital"]
    outpatient = [i for i in institutions if i[1] != "pharmacy"]
    groups: dict = {}
    for inst in outpatient:
        groups.setdefault((inst[1], inst[2]), []).append(inst)
    peer_group = max(groups.values(), key=len)
    if len(pharmacies) < 3 or not hospitals or len(peer_group) < 6:
        raise ValueError("the generator needs ≥ 3 pharmacies, a hospital and 6 outpatient institutions alike")
    outlier = peer_group[0][0]
    low_level = [i for i in outpatient if i[2] < 3 and i[0] != outlier]
    if not low_level:
        raise ValueError("the generator needs an outpatient institution below level 3")
    p = plan.prefix
    con.execute("DROP TABLE IF EXISTS gen_inst")
    con.execute("CREATE TEMP TABLE gen_inst (role VARCHAR, idx INTEGER, code VARCHAR, factor DOUBLE)")
    rows = []
    for role, members in (("out", outpatient), ("pha", pharmacies), ("hos", hospitals)):
        for index, inst in enumerate(members):
            factor = 6.0 if (role == "out" and inst[0] == outlier) else 1 + (index % 10) / 20
            rows.append((role, index, inst[0], factor))
    # Planted cases go to institutions other than the outlier.
    for role, members in (("pout", [i for i in outpatient if i[0] != outlier]), ("plow", low_level)):
        rows += [(role, index, inst[0], 1.0) for index, inst in enumerate(members)]
    con.execute(f"INSERT INTO gen_inst VALUES {_values(rows)}")
    n = {role: count for role, count in con.execute("SELECT role, COUNT(*) FROM gen_inst GROUP BY role").fetchall()}
    start = f"DATE '{plan.start.isoformat()}'"
    days = plan.days
    k = plan.planted

    def line(sn, setl, mdtrt, psn, gend, brdy, inst, med, beg, end, dx, item, cnt, pric, day, hour="9"):
        """A SELECT list for one line; fund_pay is 70 % of the amount."""
        return f"""{sn} AS feedetl_sn, {setl} AS setl_id, {mdtrt} AS mdtrt_id, {psn} AS psn_no, {gend} AS gend,
            CAST({brdy} AS DATE) AS brdy, {inst} AS fixmedins_code, '{med}' AS med_type, CAST({beg} AS DATE) AS begndate,
            CAST({end} AS DATE) AS enddate,
            {dx} AS dise_codg, {item} AS hilist_code, CAST({cnt} AS DECIMAL(12, 3)) AS cnt,
            CAST({pric} AS DECIMAL(14, 2)) AS pric,
            CAST(CAST({cnt} AS DECIMAL(12, 3)) * CAST({pric} AS DECIMAL(14, 2)) AS DECIMAL(14, 2)) AS det_item_fee_sumamt,
            CAST(ROUND(CAST({cnt} AS DECIMAL(12, 3)) * CAST({pric} AS DECIMAL(14, 2)) * 0.7, 2) AS DECIMAL(14, 2)) AS fund_pay,
            CAST(CAST({day} AS DATE) AS TIMESTAMP) + INTERVAL {hour} HOUR AS fee_ocur_time"""  # noqa: E501

    parts = []
    # Outpatient visits: a drug and an exam, one person per visit; the price scales with the institution.
    for item, base, tag in (("'D001'", 20, "a"), ("'E001'", 35, "b")):
        day = f"{start} + CAST((v // {n['out']}) % {days} AS INTEGER)"
        parts.append(f"""SELECT {
            line(
                f"'{p}O{tag}' || v",
                f"'{p}SO' || v",
                f"'{p}MO' || v",
                f"'{p}PO' || v",
                "CAST(1 + v % 2 AS VARCHAR)",
                "DATE '1960-01-01' + CAST(v % 14000 AS INTEGER)",
                "o.code",
                "11",
                day,
                day,
                "'J06.9'",
                item,
                1,
                f"ROUND({base} * o.factor, 2)",
                day,
            )
        }
            FROM range({plan.visits}) t(v) JOIN gen_inst o ON o.role = 'out' AND o.idx = v % {n["out"]}""")
    # Pharmacy purchases: one line, one person each.
    day = f"{start} + CAST((v // {n['pha']}) % {days} AS INTEGER)"
    parts.append(f"""SELECT {
        line(
            f"'{p}R' || v",
            f"'{p}SR' || v",
            f"'{p}MR' || v",
            f"'{p}PR' || v",
            "'2'",
            "DATE '1970-01-01' + CAST(v % 12000 AS INTEGER)",
            "o.code",
            "41",
            day,
            day,
            "''",
            "'D002'",
            2,
            "ROUND(15 * o.factor, 2)",
            day,
        )
    }
        FROM range({plan.purchases}) t(v) JOIN gen_inst o ON o.role = 'pha' AND o.idx = v % {n["pha"]}""")
    # Inpatient stays of 3–6 days (the same mix at every hospital): a bed line per day and one treatment.
    beg = f"{start} + CAST((s // {n['hos']}) % {days} AS INTEGER)"
    length = f"(3 + (s // {n['hos']}) % 4)"
    end = f"{beg} + CAST({length} - 1 AS INTEGER)"
    parts.append(f"""SELECT {
        line(
            f"'{p}I' || s || '-' || d",
            f"'{p}SI' || s",
            f"'{p}MI' || s",
            f"'{p}PI' || s",
            "'1'",
            "DATE '1950-01-01' + CAST(s % 15000 AS INTEGER)",
            "o.code",
            "21",
            beg,
            end,
            "'K35.8'",
            "CASE WHEN d = 0 THEN 'T001' ELSE 'B001' END",
            1,
            "CASE WHEN d = 0 THEN 80 ELSE 60 END",
            f"{beg} + CAST(d - 1 AS INTEGER)" + " + CASE WHEN d = 0 THEN 1 ELSE 0 END",
        )
    }
        FROM range({plan.stays}) t(s) JOIN gen_inst o ON o.role = 'hos' AND o.idx = s % {n["hos"]}
        CROSS JOIN range(0, 7) u(d) WHERE d <= {length}""")
    background = " UNION ALL ".join(parts)

    # Planted violations: j = 0 .. k-1, each its own person, visit and ids ('{p}X<rule>-j-<n>').
    day = f"{start} + CAST((j * 7) % {days} AS INTEGER)"
    out = f"JOIN gen_inst o ON o.role = 'pout' AND o.idx = j % {n['pout']}"
    pha = f"JOIN gen_inst o ON o.role = 'pha' AND o.idx = (j + d) % {n['pha']}"
    hos = f"JOIN gen_inst o ON o.role = 'hos' AND o.idx = j % {n['hos']}"

    def one(code, gend, brdy, inst_join, med, item, cnt, pric, extra="", beg=day, end=day, dx="'J06.9'", fee=day,
            tag="0", source="range({k}) t(j)"):  # fmt: skip
        sn = f"'{p}X{code}-' || j || '-{tag}'"
        return f"""SELECT '{code}' AS rule_code, {
            line(
                sn,
                f"'{p}XS{code}-' || j",
                f"'{p}XM{code}-' || j",
                f"'{p}XP{code}-' || j",
                gend,
                brdy,
                "o.code",
                med,
                beg,
                end,
                dx,
                item,
                cnt,
                pric,
                fee,
            )
        }
            FROM {source.format(k=k)} {inst_join} {extra}"""

    stay_beg = f"{start} + CAST((j * 5) % {days} AS INTEGER)"
    planted = [
        one("SEX_LIMIT", "'1'", "DATE '1980-01-01'", out, "11", "'SEX2'", 1, 30),
        one("AGE_LIMIT", "'1'", f"{day} - INTERVAL 10 YEAR", out, "11", "'AGE18'", 1, 12),
        one("PRICE_CAP", "'1'", "DATE '1980-01-01'", out, "11", "'CAP1'", 1, 120),
        # Two lines of 2 against a limit of 3: both are hits.
        one("QTY_LIMIT", "'1'", "DATE '1980-01-01'", out, "11", "'QTY1'", 2, 10, tag="a"),
        one("QTY_LIMIT", "'1'", "DATE '1980-01-01'", out, "11", "'QTY1'", 2, 10, tag="b"),
        one("LEVEL_LIMIT", "'2'", "DATE '1980-01-01'", f"JOIN gen_inst o ON o.role = 'plow' AND o.idx = j % "
            f"{n['plow']}", "11", "'LVL3'", 1, 50),
        # The visit's larger line (EXA, 50) is kept, EXB (30) is the hit; EXA is planted as background.
        one("EXCLUSIVE_ITEMS", "'2'", "DATE '1980-01-01'", out, "11", "'EXB'", 1, 30),
        # A person buys at three pharmacies on one day.
        one("MULTI_PHARMACY", "'2'", "DATE '1980-01-01'", pha, "41", "'D002'", 1, 15,
            source="range({k}) t(j) CROSS JOIN range(3) u(d)", tag="' || d || '"),
        # A four-day stay of bed lines only.
        one("PHANTOM_BED", "'1'", "DATE '1950-01-01'", hos, "21", "'B001'", 1, 60, beg=stay_beg,
            end=f"{stay_beg} + 3", fee=f"{stay_beg} + CAST(d AS INTEGER)",
            source="range({k}) t(j) CROSS JOIN range(4) u(d)", tag="' || d || '"),
        one("UNLISTED_ITEM", "'1'", "DATE '1980-01-01'", out, "11", "'X999'", 1, 25),
    ]  # fmt: skip
    # Their companions, which no rule flags: the EXA line of the exclusive pair; readmission's first stay;
    # the stay around the outpatient visit of OUTSIDE_DURING_STAY.
    companions = [
        one("EXCLUSIVE_ITEMS", "'2'", "DATE '1980-01-01'", out, "11", "'EXA'", 1, 50, tag="keep"),
    ]
    # Readmission: stay 1 (4 days) then stay 2 beginning 10 days after stay 1 ended, same diagnosis group.
    for stay, offset in (("first", 0), ("second", 13)):
        beg = f"{stay_beg} + {offset}"
        for d, item, price in ((0, "'T001'", 80), (1, "'B001'", 60), (2, "'B001'", 60), (3, "'B001'", 60)):
            select = f"""SELECT 'READMISSION' AS rule_code, {
                line(
                    f"'{p}XREADMISSION-' || j || '-{stay}{d}'",
                    f"'{p}XSRA-' || j || '{stay}'",
                    f"'{p}XMRA-' || j || '{stay}'",
                    f"'{p}XPRA-' || j",
                    "'1'",
                    "DATE '1955-05-05'",
                    "o.code",
                    "21",
                    beg,
                    f"{beg} + 3",
                    "'K80.1'",
                    item,
                    1,
                    price,
                    f"{beg} + {d}",
                )
            } FROM range({k}) t(j) {hos}"""
            (planted if stay == "second" else companions).append(select)
    # Outside during stay: a stay of 6 days and an outpatient visit on its third day.
    for d, item, price in ((0, "'T001'", 80), (1, "'B001'", 60), (2, "'B001'", 60), (5, "'B001'", 60)):
        companions.append(
            f"""SELECT 'OUTSIDE_DURING_STAY' AS rule_code, {
                line(
                    f"'{p}XOUTSIDE_STAY-' || j || '-{d}'",
                    f"'{p}XSOS-' || j",
                    f"'{p}XMOS-' || j",
                    f"'{p}XPOS-' || j",
                    "'2'",
                    "DATE '1966-06-06'",
                    "o.code",
                    "21",
                    stay_beg,
                    f"{stay_beg} + 5",
                    "'I10'",
                    item,
                    1,
                    price,
                    f"{stay_beg} + {d}",
                )
            } FROM range({k}) t(j) {hos}"""
        )
    planted.append(one("OUTSIDE_DURING_STAY", "'2'", "DATE '1966-06-06'", out, "11", "'D001'", 1, 20,
                       fee=f"{stay_beg} + 2", beg=f"{stay_beg} + 2", end=f"{stay_beg} + 2").replace(
        f"'{p}XPOUTSIDE_DURING_STAY-' || j", f"'{p}XPOS-' || j"))  # fmt: skip
    con.execute("DROP TABLE IF EXISTS gen_planted")
    con.execute(f"CREATE TEMP TABLE gen_planted AS {' UNION ALL '.join(planted)}")
    con.execute("DROP TABLE IF EXISTS gen_companions")
    con.execute(f"CREATE TEMP TABLE gen_companions AS {' UNION ALL '.join(companions)}")
    columns = ", ".join(LINE_COLUMNS)
    con.execute("DROP TABLE IF EXISTS gen_lines")
    con.execute(f"""CREATE TABLE gen_lines AS
        SELECT {columns} FROM ({background}) b
        UNION ALL SELECT {columns} FROM gen_planted UNION ALL SELECT {columns} FROM gen_companions""")
    con.execute("DROP TABLE IF EXISTS expected")
    con.execute(f"""CREATE TABLE expected AS
        SELECT rule_code, feedetl_sn FROM gen_planted
        UNION ALL SELECT 'COST_OUTLIER', feedetl_sn FROM gen_lines
        WHERE fixmedins_code = '{outlier}' AND med_type = '11'""")


def write_csv(con, path) -> None:
    """The generated lines as a settlement file (screening.md §Files)."""
    columns = ", ".join(
        f"strftime({c}, '%Y-%m-%d %H:%M:%S') AS {c}" if c == "fee_ocur_time" else c for c in LINE_COLUMNS
    )
    path = str(path).replace("'", "''")
    con.execute(f"COPY (SELECT {columns} FROM gen_lines) TO '{path}' (FORMAT CSV, HEADER)")
