"""The twelve rule templates of screening.md as SQL, written once in DuckDB's dialect.

Each template is a SELECT over the tables every engine provides —

- ``lines``: settlement lines (screening.md §Files) plus ``fee_date`` (the date of ``fee_ocur_time``);
- ``catalogue``: the knowledge base's items of the run's catalogue version;
- ``institutions``: ``code, kind, level`` (level 0 when the institution has none);
- ``flagged``: ``rule_code, feedetl_sn`` of the lines earlier runs flagged —

returning the line's evidence columns (``EVIDENCE``) and ``amount`` for each hit. ``rule_sql`` wraps it with
what every rule shares (the run's period, the rule's scenario and institution kinds/levels, "never flagged
twice by the same rule"). The Spark engine runs exactly this text after sqlglot translates it to Spark SQL
(``spark_sql``): one definition, no hand-kept second copy. sqlglot keeps DuckDB's semantics where the two
dialects differ (``DATE_DIFF`` argument order, NULL ordering in windows), which a string replacement would not.

Parameters are validated numbers (``clean_params``) and are inlined as literals.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Template:
    code: str
    name: str  # 名称 (zh), shown in lead descriptions whatever the UI language
    label: object  # translated name for the UI
    result_type: str  # "violation" 明确违规 | "suspect" 可疑
    violation_code: str
    params: dict  # name → default
    sql: str
    scenario: tuple = ("11", "21", "41")
    # True when every group the rule looks at lies within one calendar month of fee dates (a line, a day, a
    # visit's day, an institution's month), so the rule over all lines = the union of it over each month's
    # lines. The DuckDB engine then runs it one month partition at a time: smaller hash tables, no spilling,
    # and months outside the run's period are not read. Rules over whole stays span months: False.
    within_month: bool = True


AGE = (
    "(EXTRACT(YEAR FROM l.fee_date) - EXTRACT(YEAR FROM l.brdy) - CASE WHEN "
    "EXTRACT(MONTH FROM l.fee_date) * 100 + EXTRACT(DAY FROM l.fee_date) < "
    "EXTRACT(MONTH FROM l.brdy) * 100 + EXTRACT(DAY FROM l.brdy) THEN 1 ELSE 0 END)"
)

STAYS = """
    SELECT mdtrt_id, psn_no, fixmedins_code, MIN(begndate) AS begndate, MAX(enddate) AS enddate,
           MAX(SUBSTR(dise_codg, 1, 3)) AS dx3
    FROM lines WHERE med_type = '21' GROUP BY mdtrt_id, psn_no, fixmedins_code"""

TEMPLATES: dict[str, Template] = {
    t.code: t
    for t in [
        Template(
            "SEX_LIMIT", "限性别", _("Sex limit"), "violation", "OUT_OF_SCOPE_BILLING", {},
            """SELECT {ev}, l.fund_pay AS amount FROM lines l
               JOIN catalogue c ON c.hilist_code = l.hilist_code
               WHERE c.sex_limit IS NOT NULL AND c.sex_limit <> '' AND l.gend <> c.sex_limit""",
        ),
        Template(
            "AGE_LIMIT", "限年龄", _("Age limit"), "violation", "OUT_OF_SCOPE_BILLING", {},
            f"""SELECT {{ev}}, l.fund_pay AS amount FROM lines l
               JOIN catalogue c ON c.hilist_code = l.hilist_code
               WHERE (c.age_min IS NOT NULL AND {AGE} < c.age_min)
                  OR (c.age_max IS NOT NULL AND {AGE} > c.age_max)""",
        ),
        Template(
            "PRICE_CAP", "超标准收费", _("Over the price cap"), "violation", "OVER_STANDARD_CHARGE", {},
            """SELECT {ev},
                      CAST(ROUND((l.pric - c.price_cap) * l.cnt, 2) AS DECIMAL(14, 2)) AS amount
               FROM lines l JOIN catalogue c ON c.hilist_code = l.hilist_code
               WHERE c.price_cap IS NOT NULL AND l.pric > c.price_cap""",
        ),
        Template(
            "QTY_LIMIT", "超限定数量", _("Over the daily quantity"), "suspect", "EXCESS_PRESCRIBING", {},
            """SELECT {ev_q}, q.fund_pay AS amount FROM (
                   SELECT {ev}, c.max_qty_per_day,
                          SUM(l.cnt) OVER (PARTITION BY l.psn_no, l.hilist_code, l.fee_date) AS qty
                   FROM lines l JOIN catalogue c ON c.hilist_code = l.hilist_code
                   WHERE c.max_qty_per_day IS NOT NULL) q
               WHERE q.qty > q.max_qty_per_day""",
        ),
        Template(
            "LEVEL_LIMIT", "限医疗机构级别", _("Institution level"), "violation", "OUT_OF_SCOPE_BILLING", {},
            """SELECT {ev}, l.fund_pay AS amount FROM lines l
               JOIN catalogue c ON c.hilist_code = l.hilist_code
               JOIN institutions i ON i.code = l.fixmedins_code
               WHERE c.min_inst_level IS NOT NULL AND c.min_inst_level > i.level""",
        ),
        Template(
            "EXCLUSIVE_ITEMS", "重复收费", _("Mutually exclusive items"), "violation", "DUPLICATE_CHARGE", {},
            # The line kept is the one with the largest amount; on a tie, the smallest line id.
            """SELECT {ev_x}, x.fund_pay AS amount FROM (
                   SELECT {ev},
                          ROW_NUMBER() OVER (PARTITION BY l.mdtrt_id, l.fee_date, c.exclusive_group
                                             ORDER BY l.det_item_fee_sumamt DESC, l.feedetl_sn) AS rn
                   FROM lines l JOIN catalogue c ON c.hilist_code = l.hilist_code
                   WHERE c.exclusive_group IS NOT NULL AND c.exclusive_group <> '') x
               WHERE x.rn > 1""",
        ),
        Template(
            "READMISSION", "分解住院", _("Split admission"), "suspect", "SPLIT_ADMISSION", {"days": 15},
            f"""WITH stays AS ({STAYS})
               SELECT {{ev}}, l.fund_pay AS amount FROM lines l JOIN (
                   SELECT DISTINCT later.mdtrt_id FROM stays later JOIN stays earlier
                     ON earlier.psn_no = later.psn_no AND earlier.fixmedins_code = later.fixmedins_code
                    AND earlier.dx3 = later.dx3 AND earlier.mdtrt_id <> later.mdtrt_id
                    AND earlier.begndate <= later.begndate
                   WHERE DATE_DIFF('day', earlier.enddate, later.begndate) BETWEEN 0 AND {{days}}) s
                 ON s.mdtrt_id = l.mdtrt_id
               WHERE l.med_type = '21'""",
            scenario=("21",), within_month=False,
        ),
        Template(
            "OUTSIDE_DURING_STAY", "住院期间门诊/购药", _("Outpatient or pharmacy during a stay"), "suspect",
            "DOUBLE_BENEFIT", {},
            f"""WITH stays AS ({STAYS})
               SELECT DISTINCT {{ev}}, l.fund_pay AS amount FROM lines l
               JOIN stays s ON s.psn_no = l.psn_no AND l.fee_date > s.begndate AND l.fee_date < s.enddate
               WHERE l.med_type IN ('11', '41')""",
            scenario=("11", "41"), within_month=False,
        ),
        Template(
            "MULTI_PHARMACY", "同日多店购药", _("Several pharmacies in one day"), "suspect", "IMPERSONATED_USE",
            {"pharmacies": 3},
            """WITH candidates AS (
                   SELECT psn_no, fee_date FROM lines WHERE med_type = '41' GROUP BY psn_no, fee_date
                   HAVING COUNT(*) >= {pharmacies}),
               g AS (
                   SELECT l2.psn_no, l2.fee_date FROM lines l2
                   JOIN candidates c ON c.psn_no = l2.psn_no AND c.fee_date = l2.fee_date
                   WHERE l2.med_type = '41' GROUP BY l2.psn_no, l2.fee_date
                   HAVING COUNT(DISTINCT l2.fixmedins_code) >= {pharmacies})
               SELECT {ev}, l.fund_pay AS amount FROM lines l
               JOIN g ON g.psn_no = l.psn_no AND g.fee_date = l.fee_date
               WHERE l.med_type = '41'""",
            scenario=("41",),
        ),
        Template(
            "PHANTOM_BED", "挂床住院", _("Phantom bed"), "suspect", "PHANTOM_BED", {"days": 3},
            """SELECT {ev}, l.fund_pay AS amount FROM lines l JOIN (
                   SELECT l2.mdtrt_id FROM lines l2 LEFT JOIN catalogue c ON c.hilist_code = l2.hilist_code
                   WHERE l2.med_type = '21' GROUP BY l2.mdtrt_id
                   HAVING MIN(CASE WHEN c.category = 'bed' THEN 1 ELSE 0 END) = 1
                      AND DATE_DIFF('day', MIN(l2.begndate), MAX(l2.enddate)) + 1 >= {days}) s
                 ON s.mdtrt_id = l.mdtrt_id
               WHERE l.med_type = '21'""",
            scenario=("21",), within_month=False,
        ),
        Template(
            "UNLISTED_ITEM", "目录外项目", _("Item not in the catalogue"), "suspect", "OUT_OF_SCOPE_BILLING", {},
            """SELECT {ev}, l.fund_pay AS amount FROM lines l
               LEFT JOIN catalogue c ON c.hilist_code = l.hilist_code
               WHERE c.hilist_code IS NULL""",
        ),
        Template(
            "COST_OUTLIER", "费用异常", _("Cost outlier"), "suspect", "OVER_TREATMENT", {"sigmas": 3, "peers": 5},
            # Peers are the other institutions of the same kind and level in the month and med_type
            # (leave-one-out sums, so no quadratic self-join). The group's excess (mean − peer mean) × visits
            # is shared over its lines in proportion to their fund_pay.
            """WITH visits AS (
                   SELECT fixmedins_code, med_type, mdtrt_id,
                          EXTRACT(YEAR FROM fee_date) * 100 + EXTRACT(MONTH FROM fee_date) AS ym,
                          SUM(fund_pay) AS fund_pay
                   FROM lines GROUP BY fixmedins_code, med_type, mdtrt_id,
                                       EXTRACT(YEAR FROM fee_date) * 100 + EXTRACT(MONTH FROM fee_date)),
               per_inst AS (
                   SELECT v.fixmedins_code, i.kind, i.level, v.med_type, v.ym,
                          CAST(SUM(v.fund_pay) AS DOUBLE) / COUNT(*) AS m
                   FROM visits v JOIN institutions i ON i.code = v.fixmedins_code
                   GROUP BY v.fixmedins_code, i.kind, i.level, v.med_type, v.ym),
               sums AS (
                   SELECT p.*, (COUNT(*) OVER (PARTITION BY kind, level, med_type, ym)) - 1 AS n,
                          (SUM(m) OVER (PARTITION BY kind, level, med_type, ym)) - m AS s1,
                          (SUM(m * m) OVER (PARTITION BY kind, level, med_type, ym)) - m * m AS s2
                   FROM per_inst p),
               stats AS (
                   SELECT fixmedins_code, med_type, ym, m, s1 / NULLIF(n, 0) AS mu,
                          SQRT(GREATEST(0.0, (s2 - s1 * s1 / NULLIF(n, 0)) / NULLIF(n - 1, 0))) AS sd
                   FROM sums WHERE n >= {peers} AND n > 1),
               outliers AS (SELECT * FROM stats WHERE m > mu AND m >= mu + {sigmas} * sd)
               SELECT {ev},
                      CAST(ROUND(CAST(CAST(l.fund_pay AS DOUBLE) * (o.m - o.mu) / NULLIF(o.m, 0)
                                      AS DECIMAL(18, 6)), 2) AS DECIMAL(14, 2)) AS amount
               FROM lines l JOIN outliers o ON o.fixmedins_code = l.fixmedins_code AND o.med_type = l.med_type
                AND o.ym = EXTRACT(YEAR FROM l.fee_date) * 100 + EXTRACT(MONTH FROM l.fee_date)""",
        ),
    ]
}  # fmt: skip

MED_TYPES = ("11", "21", "41")
# What each template returns with its amount: the line's evidence, so no rule joins the lines twice.
EVIDENCE = ("feedetl_sn", "fixmedins_code", "psn_no", "hilist_code", "fee_ocur_time", "fee_date", "cnt", "pric",
            "fund_pay", "med_type")  # fmt: skip


def evidence(alias: str) -> str:
    return ", ".join(f"{alias}.{column}" for column in EVIDENCE)


HIT_COLUMNS = (
    "rule_code",
    "feedetl_sn",
    "fixmedins_code",
    "psn_no",
    "hilist_code",
    "fee_ocur_time",
    "fee_date",
    "cnt",
    "pric",
    "fund_pay",
    "amount",
)


def clean_params(template: Template, params: dict | None) -> dict:
    """The template's parameters with defaults, each a positive number; anything else is a ValueError."""
    values = dict(template.params)
    for name, value in (params or {}).items():
        if name not in template.params:
            raise ValueError(f"unknown parameter {name}")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"{name}: not a number") from None
        if not number.is_finite() or number < 0 or number > 100000:
            raise ValueError(f"{name}: out of range")
        values[name] = int(number) if number == number.to_integral_value() else number
    return values


@dataclass(frozen=True)
class RuleSpec:
    """What an engine needs to run one rule version."""

    code: str
    template: str
    params: dict
    med_types: tuple = MED_TYPES
    kinds: tuple = ()  # empty: every institution kind
    levels: tuple = ()  # empty: every level (0 = none)


def _literal_list(values) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def rule_sql(spec: RuleSpec, date_from: datetime.date | None = None, date_to: datetime.date | None = None) -> str:
    """The full hit query of one rule in DuckDB's dialect: ``HIT_COLUMNS`` for each new hit."""
    template = TEMPLATES[spec.template]
    body = template.sql.format(
        **clean_params(template, spec.params), ev=evidence("l"), ev_q=evidence("q"), ev_x=evidence("x")
    )
    code = spec.code.replace("'", "''")
    conditions = ["f.feedetl_sn IS NULL", f"h.med_type IN ({_literal_list(spec.med_types or MED_TYPES)})"]
    if date_from:
        conditions.append(f"h.fee_date >= DATE '{date_from.isoformat()}'")
    if date_to:
        conditions.append(f"h.fee_date <= DATE '{date_to.isoformat()}'")
    if spec.kinds:
        conditions.append(f"i.kind IN ({_literal_list(spec.kinds)})")
    if spec.levels:
        conditions.append(f"i.level IN ({', '.join(str(int(v)) for v in spec.levels)})")
    return f"""SELECT '{code}' AS rule_code, h.feedetl_sn, h.fixmedins_code, h.psn_no, h.hilist_code,
       h.fee_ocur_time, h.fee_date, h.cnt, h.pric, h.fund_pay, CAST(h.amount AS DECIMAL(14, 2)) AS amount
FROM ({body}) h
JOIN institutions i ON i.code = h.fixmedins_code
LEFT JOIN (SELECT feedetl_sn FROM flagged WHERE rule_code = '{code}') f ON f.feedetl_sn = h.feedetl_sn
WHERE {" AND ".join(conditions)}"""


def spark_sql(sql: str) -> str:
    """The same query in Spark SQL (sqlglot)."""
    import sqlglot

    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]
