"""The engines that run rule SQL (rules.py) over the settlement Parquet files: DuckDB embedded (default) and
Apache Spark (``--engine spark``, ``SPARK_MASTER``).

Both read the same inputs: the lines as Parquet partitioned by month under ``SCREENING_DATA_DIR/settlements``,
and three small Parquet files written for the run (catalogue, institutions, earlier hits), so both see the same
types. Each returns the hits as one Arrow table with ``rules.HIT_COLUMNS``.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from supervision.screening import rules

LINE_SCHEMA = pa.schema(
    [
        ("feedetl_sn", pa.string()),
        ("setl_id", pa.string()),
        ("mdtrt_id", pa.string()),
        ("psn_no", pa.string()),
        ("gend", pa.string()),
        ("brdy", pa.date32()),
        ("fixmedins_code", pa.string()),
        ("med_type", pa.string()),
        ("begndate", pa.date32()),
        ("enddate", pa.date32()),
        ("dise_codg", pa.string()),
        ("hilist_code", pa.string()),
        ("cnt", pa.decimal128(12, 3)),
        ("pric", pa.decimal128(14, 2)),
        ("det_item_fee_sumamt", pa.decimal128(14, 2)),
        ("fund_pay", pa.decimal128(14, 2)),
        ("fee_ocur_time", pa.timestamp("us")),
        ("fee_date", pa.date32()),
        ("batch_id", pa.int64()),
    ]
)
CATALOGUE_SCHEMA = pa.schema(
    [
        ("hilist_code", pa.string()),
        ("hilist_name", pa.string()),
        ("category", pa.string()),
        ("price_cap", pa.decimal128(14, 2)),
        ("sex_limit", pa.string()),
        ("age_min", pa.int32()),
        ("age_max", pa.int32()),
        ("max_qty_per_day", pa.decimal128(12, 3)),
        ("min_inst_level", pa.int32()),
        ("exclusive_group", pa.string()),
    ]
)
INSTITUTION_SCHEMA = pa.schema([("code", pa.string()), ("kind", pa.string()), ("level", pa.int32())])
FLAGGED_SCHEMA = pa.schema([("rule_code", pa.string()), ("feedetl_sn", pa.string())])
HIT_SCHEMA = pa.schema(
    [
        ("rule_code", pa.string()),
        ("feedetl_sn", pa.string()),
        ("fixmedins_code", pa.string()),
        ("psn_no", pa.string()),
        ("hilist_code", pa.string()),
        ("fee_ocur_time", pa.timestamp("us")),
        ("fee_date", pa.date32()),
        ("cnt", pa.decimal128(12, 3)),
        ("pric", pa.decimal128(14, 2)),
        ("fund_pay", pa.decimal128(14, 2)),
        ("amount", pa.decimal128(14, 2)),
    ]
)


def lines_dir(data_dir) -> Path:
    return Path(data_dir) / "settlements"


def line_files(data_dir) -> list[str]:
    return sorted(str(p) for p in lines_dir(data_dir).glob("month=*/*.parquet"))


class Inputs:
    """The run's small tables as Parquet files in ``workdir`` (catalogue, institutions, earlier hits)."""

    def __init__(self, workdir, data_dir, catalogue: pa.Table, institutions: pa.Table, flagged: pa.Table):
        self.workdir = Path(workdir)
        self.data_dir = Path(data_dir)
        self.paths = {}
        for name, table, schema in (
            ("catalogue", catalogue, CATALOGUE_SCHEMA),
            ("institutions", institutions, INSTITUTION_SCHEMA),
            ("flagged", flagged, FLAGGED_SCHEMA),
        ):
            path = self.workdir / f"{name}.parquet"
            pq.write_table(table.cast(schema), path)
            self.paths[name] = str(path)
        self.empty_lines = str(self.workdir / "no-lines.parquet")
        pq.write_table(LINE_SCHEMA.empty_table(), self.empty_lines)

    def line_files(self) -> list[str]:
        return line_files(self.data_dir) or [self.empty_lines]

    def months(self, date_from=None, date_to=None) -> dict[str, list[str]]:
        return self.months_in(self.data_dir, date_from, date_to)

    @staticmethod
    def months_in(data_dir, date_from=None, date_to=None) -> dict[str, list[str]]:
        """The line files by month partition (``YYYY-MM``), leaving out months wholly outside the period."""
        first = date_from.strftime("%Y-%m") if date_from else ""
        last = date_to.strftime("%Y-%m") if date_to else "9999-99"
        months: dict[str, list[str]] = {}
        for path in line_files(data_dir):
            month = Path(path).parent.name.split("=", 1)[1]
            if first <= month <= last:
                months.setdefault(month, []).append(path)
        return months


def _quote(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


class DuckDBEngine:
    """DuckDB in this process, bounded: ``threads`` (default 2) and ``memory_limit`` (default 1 GB; DuckDB spills
    beyond it), so a run over 20M lines stays under 2 GB resident.

    Rules whose groups lie within a month (``Template.within_month``) run one month partition at a time; the
    others over all lines. Either way a rule is one set-based query whose hits come back as Arrow."""

    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None):
        self.threads = threads or int(os.environ.get("SCREENING_DUCKDB_THREADS", "0")) or 2
        self.memory_limit = memory_limit or os.environ.get("SCREENING_DUCKDB_MEMORY", "1GB")

    def connect(self, inputs: Inputs):
        import duckdb

        con = duckdb.connect(
            config={
                "memory_limit": self.memory_limit,
                "threads": int(self.threads),
                "temp_directory": str(inputs.workdir),
                "preserve_insertion_order": False,
            }
        )
        self.bind_lines(con, inputs.line_files())
        for name, path in inputs.paths.items():
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet({_quote(path)})")
        return con

    @staticmethod
    def bind_lines(con, files: list[str]) -> None:
        quoted = ", ".join(_quote(p) for p in files)
        con.execute(f"CREATE OR REPLACE VIEW lines AS SELECT * FROM read_parquet([{quoted}], hive_partitioning = 0)")

    def run(self, inputs: Inputs, specs, date_from=None, date_to=None, progress: Callable | None = None) -> pa.Table:
        con = self.connect(inputs)
        try:
            monthly = [s for s in specs if rules.TEMPLATES[s.template].within_month]
            whole = [s for s in specs if not rules.TEMPLATES[s.template].within_month]
            months = inputs.months(date_from, date_to)
            steps, done, parts = len(whole) + len(monthly) * len(months), 0, []

            def collect(spec):
                nonlocal done
                parts.append(con.sql(rules.rule_sql(spec, date_from, date_to)).to_arrow_table().cast(HIT_SCHEMA))
                done += 1
                if progress:
                    progress(done, steps)

            for spec in whole:
                collect(spec)
            for files in months.values():
                self.bind_lines(con, files)
                for spec in monthly:
                    collect(spec)
            return pa.concat_tables(parts) if parts else HIT_SCHEMA.empty_table()
        finally:
            con.close()


class SparkEngine:
    """PySpark; ``local[2]`` by default. The lines are read from the same Parquet files as DuckDB reads."""

    name = "spark"

    def __init__(self, master: str | None = None):
        from django.conf import settings

        self.master = master or getattr(settings, "SPARK_MASTER", "local[2]")

    def session(self):
        from pyspark.sql import SparkSession

        session = (
            SparkSession.builder.master(self.master)
            .appName("screening")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        return session

    def run(self, inputs: Inputs, specs, date_from=None, date_to=None, progress: Callable | None = None) -> pa.Table:
        spark = self.session()
        spark.read.parquet(*inputs.line_files()).createOrReplaceTempView("lines")
        for name, path in inputs.paths.items():
            spark.read.parquet(path).createOrReplaceTempView(name)
        if not specs:
            return HIT_SCHEMA.empty_table()
        # One job for all rules: Spark's per-query overhead dominates small runs.
        union = " UNION ALL ".join(
            f"SELECT * FROM ({rules.spark_sql(rules.rule_sql(spec, date_from, date_to))})" for spec in specs
        )
        table = _to_arrow(spark.sql(union))
        if progress:
            progress(len(specs), len(specs))
        return table


def _to_arrow(frame) -> pa.Table:
    if hasattr(frame, "toArrow"):
        table = frame.toArrow()
        return table.cast(HIT_SCHEMA) if table.num_rows else HIT_SCHEMA.empty_table()
    rows = [row.asDict() for row in frame.collect()]
    return pa.Table.from_pylist(rows, schema=HIT_SCHEMA)


ENGINES = {"duckdb": DuckDBEngine, "spark": SparkEngine}


def get_engine(name: str = "duckdb"):
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name}")
    return ENGINES[name]()
