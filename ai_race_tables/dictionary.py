"""The data dictionary: every published column's meaning, unit, allowed values and an example,
written once. It travels with the data as Parquet field metadata and generates the README's
data-dictionary section (`make dictionary` rewrites it)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa


@dataclass(frozen=True)
class Column:
    """What one column holds. `values` lists the allowed values of an enumeration; `allowed`
    says in words what other values may be."""

    meaning: str
    example: str
    unit: str | None = None
    values: tuple[str, ...] = ()
    allowed: str | None = None


UNITS = ("percent", "x", "TWh", "GWh", "MWh", "GW", "MW", "kW", "USD", "tonnes_co2", "count")
COMPARATORS = ("=", "<", ">", "<=", ">=", "~")
COUNTRY = "ISO 3166-1 alpha-2 code (e.g. US, CN), null when unknown"
REGION = "ISO 3166-1 alpha-2 code, EU (the European Union), WORLD (global), or null when none is named"
SLUG = "lower-case ASCII words joined by hyphens"
_UNIT_NOTE = ("percent: a share of a whole when metric is a share (share_of_demand), else a change of the "
              "metric (growth, from baseline_year when given); x: a multiple (\"double\" is 2); USD: "
              "money converted to US dollars")
_COMPARATOR_NOTE = "= exact; < less than; > more than; <= at most / up to; >= at least; ~ approximately (about, around)"

# Columns every fact row carries (transforms.rows.Grounded).
GROUNDED = {
    "article_id": Column("The article the row comes from: first 16 hex digits of the SHA-256 of its "
                         "normalised text (the same article from two sources is one article).",
                         "060f5c56a77516d7", allowed="16 lower-case hex digits"),
    "evidence": Column("The sentence the row rests on, verbatim as in the landed text.",
                       "The start-up raised $2 billion in a Series C round on Tuesday."),
    "char_start": Column("Offset of the evidence sentence's first character in the article text.", "1042",
                         unit="characters", allowed=">= 0"),
    "char_end": Column("Offset just after the evidence sentence: text[char_start:char_end] == evidence.", "1107",
                       unit="characters", allowed="> char_start"),
    "extractor_version": Column("Hash of the extraction code and reference data that produced the row; "
                                "a new version re-extracts the article.", "3f9a1c2b7d4e"),
    "run_id": Column("The pipeline run that published the row (see `python -m flows history`).",
                     "4bcf1623d2d844f4"),
}

ARTICLES = {
    "article_id": GROUNDED["article_id"],
    "source": Column("Path or URL the article came from; a .jsonl line is PATH#N.",
                     "feeds/wire.jsonl#3"),
    "title": Column("Headline, null when the input gives none.", "Chip designer prices Hong Kong IPO"),
    "published_at": Column("When the article was published, in UTC; null when unknown.",
                           "2026-01-12 00:00:00+00:00", unit="UTC timestamp"),
    "ingested_at": Column("When the article was first landed in DIR/raw/.", "2026-01-12 08:30:00+00:00",
                          unit="UTC timestamp"),
    "n_chars": Column("Length of the landed text.", "5321", unit="characters", allowed=">= 1"),
    "n_words": Column("Number of words in the landed text.", "874", unit="words", allowed=">= 1"),
    "language": Column("Detected language of the text, null when undetermined.", "en",
                       allowed="ISO 639-1 code"),
}

COMPANIES = {
    "company_id": Column("Slug of the canonical name; joins every table that names a company.", "zhipu-ai",
                         allowed=SLUG),
    "name": Column("Canonical name (the gazetteer's, else as the articles write it).", "Zhipu AI"),
    "aliases": Column("Every surface form seen in the articles, and the canonical name.",
                      "['Zhipu', 'Zhipu AI']"),
    "country": Column("Country of headquarters.", "CN", allowed=COUNTRY),
    "n_articles": Column("Articles that mention the company.", "3", unit="count", allowed=">= 1"),
    "n_mentions": Column("Mentions over all articles.", "17", unit="count", allowed=">= 1"),
    "first_seen": Column("Date of the earliest article mentioning it (published, else ingested).",
                         "2026-01-02 00:00:00+00:00", unit="UTC timestamp"),
    "last_seen": Column("Date of the latest article mentioning it (published, else ingested).",
                        "2026-05-14 06:45:00+00:00", unit="UTC timestamp"),
    "kind": Column("The company's sector in the gazetteer; null for a company the gazetteer does not know.",
                   "ai", values=("ai", "auto", "chips", "cloud", "energy", "finance", "internet", "other",
                                 "telecom")),
    "ticker": Column("Main stock ticker in the gazetteer (exchange suffix where not a US listing); null "
                     "when unlisted or unknown.", "2513.HK"),
}

COMPANY_MENTIONS = {
    "article_id": GROUNDED["article_id"],
    "company_id": COMPANIES["company_id"],
    "name": Column("Canonical name of the company.", "Zhipu AI"),
    "surface": Column("The company's name as the article first writes it.", "Zhipu"),
    "n_mentions": Column("Times the article mentions the company.", "6", unit="count", allowed=">= 1"),
    "country": Column("Headquarters country: the gazetteer's, else as the article states it "
                      "(\"Shanghai-based\").", "CN", allowed=COUNTRY),
    **{k: v for k, v in GROUNDED.items() if k != "article_id"},
}

PEOPLE = {
    "article_id": GROUNDED["article_id"],
    "name": Column("The person's full name as first written.", "Wang Xiaochuan"),
    "title": Column("Role as written, null when none is given.", "founder and chief executive"),
    "organization": Column("Canonical company name where the organisation is a company, else as written.",
                           "Baichuan Intelligence"),
    "company_id": Column("The organisation's company_id; null when it is not a company (government, "
                         "university, agency).", "baichuan-intelligence", allowed=SLUG),
    **{k: v for k, v in GROUNDED.items() if k != "article_id"},
}

FUNDING = {
    "funding_id": Column("Row key: one money-raising event as one sentence reports it.", "9b1f0c3e5a7d2468",
                         allowed="16 lower-case hex digits"),
    "article_id": GROUNDED["article_id"],
    "company": Column("Canonical name of the raiser (in an acquisition: the company bought); null when "
                      "several raise together.", "Moonshot AI"),
    "companies": Column("Every raiser (in an acquisition: every company bought).", "['Moonshot AI']"),
    "event_type": Column("What kind of money-raising: ipo (listing), equity_round (private round, placement), "
                         "investment (a stake bought by a named investor), debt (loans, bonds, notes), grant, "
                         "acquisition (the company is bought), other.", "equity_round",
                         values=("ipo", "equity_round", "investment", "debt", "grant", "acquisition", "other")),
    "status": Column("completed: the text says it happened; planned: a party says it will or has agreed to; "
                     "reported: known only from others (talks, people familiar).", "completed",
                     values=("completed", "planned", "reported")),
    "round": Column("Round name for an equity round, null otherwise or when not named.", "Series C"),
    "amount": Column("Amount raised in the original currency; null when the text gives no figure.",
                     "5000000000", unit="currency"),
    "currency": Column("Currency of amount (ISO 4217).", "CNY",
                       values=("USD", "HKD", "CNY", "EUR", "GBP", "JPY", "AED", "SAR", "INR", "KRW", "SGD",
                               "TWD", "AUD", "CAD", "CHF", "QAR", "MYR")),
    "amount_usd": Column("amount in US dollars: the article's own conversion, else the yearly average rate "
                         "shipped in seeds/currency_rates.csv.", "695410300.0", unit="USD", allowed="> 0"),
    "amount_qualifier": Column("How the text qualifies the amount.", "approximately",
                               values=("exact", "approximately", "more_than", "at_least", "less_than", "up_to")),
    "is_aggregate": Column("True when the figure covers several raisers or several rounds together (\"the "
                           "three listings brought in $1.2 billion\"); leave these out of totals.", "False"),
    "investors": Column("Investors named for the event (in an acquisition: the buyers).",
                        "['Meituan', 'China Mobile']"),
    "valuation_usd": Column("Valuation the event put on the raiser, in US dollars; null when not given.",
                            "20000000000.0", unit="USD", allowed="> 0"),
    "event_date": Column("When the event happened (or, for a planned one, is to happen) where its sentence "
                         "says so (\"on Tuesday\", \"on Jan. 8\", \"in March 2024\", \"last month\"), resolved "
                         "against published_at; the first day of the week, month or year the text names "
                         "(see event_date_precision); null when the sentence gives no date.", "2026-01-06",
                         unit="date"),
    "event_date_precision": Column("How precise event_date is; null when event_date is null.", "month",
                                   values=("day", "week", "month", "year")),
    "published_at": Column("Publication date of the article (UTC), beside event_date: the latest the event "
                           "can have been reported; null when unknown.", "2026-01-07 00:00:00+00:00",
                           unit="UTC timestamp"),
    "company_id": Column("company_id of the raiser (joins companies); null when several raise together.",
                         "moonshot-ai", allowed=SLUG),
    "country": Column("Headquarters country of the raiser; for several raisers, their country when they "
                      "share one; null when unknown.", "CN", allowed=COUNTRY),
    "event_key": Column("Groups the reports of one real-world event across articles: rows with the same "
                        "raiser and event type, amounts in USD within 8 % and dates near (45 days; an "
                        "undated report may tell of an event up to a year before it) share the funding_id "
                        "of the event's first report. Count each event once: drop duplicates of event_key.",
                        "9b1f0c3e5a7d2468", allowed="16 lower-case hex digits"),
    **{k: v for k, v in GROUNDED.items() if k != "article_id"},
}

FORECASTS = {
    "forecast_id": Column("Row key: one forward-looking quantitative statement.", "0c4d2e6f8a1b3c5d",
                          allowed="16 lower-case hex digits"),
    "article_id": GROUNDED["article_id"],
    "subject": Column("What is forecast, as the sentence names it.", "US data-centre consumption"),
    "metric": Column("The quantity forecast, as written (free text).", "electricity demand"),
    "region": Column("Region the forecast is about.", "US", allowed=REGION),
    "value": Column("The forecast figure (the low end of a range); null when the number is the time itself "
                    "(\"AGI within ten years\").", "240.0", unit="see unit"),
    "value_max": Column("High end of a range; null for a single figure.", "300.0", unit="see unit"),
    "unit": Column("Unit of value and value_max. " + _UNIT_NOTE + ".", "TWh", values=UNITS),
    "comparator": Column("How value relates to the figure: " + _COMPARATOR_NOTE + ".", "~", values=COMPARATORS),
    "target_year": Column("Year the forecast is for; null when none is given.", "2030", unit="year",
                          allowed="1990-2100"),
    "horizon_min_years": Column("Shortest horizon stated (\"within three to five years\" -> 3).", "3",
                                unit="years", allowed="0-100"),
    "horizon_max_years": Column("Longest horizon stated (\"within three to five years\" -> 5).", "5",
                                unit="years", allowed="0-100"),
    "source_person": Column("The person who makes the forecast, null when none is quoted.", "Fatih Birol"),
    "source_org": Column("The organisation the forecast is attributed to (cited, else the quoted person's, "
                         "else the first company named), acronyms spelled out.", "International Energy Agency"),
    **{k: v for k, v in GROUNDED.items() if k != "article_id"},
}

ENERGY_METRICS = {
    "metric_id": Column("Row key: one quantitative energy figure.", "5e7f9a1b3c5d7e9f",
                        allowed="16 lower-case hex digits"),
    "article_id": GROUNDED["article_id"],
    "region": Column("Region the figure is about.", "CN", allowed=REGION),
    "sector": Column("What consumes or produces the energy.", "data_centers",
                     values=("data_centers", "ai", "power_system", "solar", "wind", "nuclear", "hydro", "gas",
                             "coal", "batteries", "clean_energy", "other")),
    "metric": Column("What is measured.", "electricity_demand",
                     values=("electricity_demand", "capacity", "generation", "share_of_demand", "emissions",
                             "investment", "other")),
    "value": Column("The figure (the low end of a range).", "415.0", unit="see unit", allowed=">= 0"),
    "value_max": Column("High end of a range; null for a single figure.", "450.0", unit="see unit"),
    "unit": Column("Unit of value and value_max. " + _UNIT_NOTE + ".", "TWh", values=UNITS),
    "comparator": Column("How value relates to the figure: " + _COMPARATOR_NOTE + ".", "~", values=COMPARATORS),
    "year": Column("Year the figure is for (measured, or projected when is_projection).", "2030", unit="year",
                   allowed="1990-2100"),
    "baseline_year": Column("Year a change is measured from (\"up 130% from 2024\"); null otherwise.", "2024",
                            unit="year", allowed="1990-2100"),
    "is_projection": Column("True for a projected figure (also a row of forecasts), False for a measured one.",
                            "True"),
    "source_org": Column("The organisation the figure is attributed to, acronyms spelled out.",
                         "International Energy Agency"),
    **{k: v for k, v in GROUNDED.items() if k != "article_id"},
}

DICTIONARY: dict[str, tuple[str, dict[str, Column]]] = {
    "articles": ("One row per distinct article.", ARTICLES),
    "company_mentions": ("One row per company per article; evidence columns are those of the first mention.",
                         COMPANY_MENTIONS),
    "people": ("One row per named person per article.", PEOPLE),
    "funding": ("One row per money-raising event as an article reports it; for totals keep status completed, "
                "drop is_aggregate rows and count each event_key once.", FUNDING),
    "forecasts": ("One row per forward-looking quantitative statement.", FORECASTS),
    "energy_metrics": ("One row per quantitative energy figure; a projected one is also a forecast.",
                       ENERGY_METRICS),
    "companies": ("One row per distinct company over the whole table version.", COMPANIES),
}


def table_of(row_type: type) -> str | None:
    """The published table a row type belongs to; None for bookkeeping rows."""
    from transforms.rows import TABLES

    return next((name for name, (rt, _) in TABLES.items() if rt is row_type), None)


def field_metadata(row_type: type, column: str) -> dict[str, str] | None:
    """Parquet field metadata of a column: description, unit, allowed values, example."""
    table = table_of(row_type)
    if table is None:
        return None
    entry = DICTIONARY[table][1].get(column)
    if entry is None:  # a new column without an entry: tests/test_dictionary.py fails, runs go on
        return None
    meta = {"description": entry.meaning, "example": entry.example}
    if entry.unit:
        meta["unit"] = entry.unit
    if entry.values or entry.allowed:
        meta["allowed_values"] = " | ".join(entry.values) if entry.values else entry.allowed
    return meta


def described(table: str, data: pa.Table) -> pa.Table:
    """A published table's data with the dictionary's field metadata on each column it knows
    (what Delta Lake does not keep, a plain Parquet file written from it then carries)."""
    from transforms.rows import TABLES

    if table not in TABLES:
        return data
    row_type = TABLES[table][0]
    fields = [f.with_metadata(field_metadata(row_type, f.name) or f.metadata or {}) for f in data.schema]
    return data.cast(pa.schema(fields, metadata=data.schema.metadata))


def type_name(arrow_type: pa.DataType) -> str:
    """A column's type as an analyst reads it."""
    if pa.types.is_list(arrow_type):
        return "list of " + type_name(arrow_type.value_type)
    return {"string": "string", "int64": "integer", "double": "float", "bool": "boolean",
            "date32[day]": "date", "timestamp[us, tz=UTC]": "timestamp (UTC)"}.get(str(arrow_type), str(arrow_type))


def markdown() -> str:
    """The README's data-dictionary section (between its markers)."""
    from ai_race_tables.storage import arrow_schema
    from transforms.rows import TABLES

    lines = []
    for table, (row_type, key) in TABLES.items():
        summary, columns = DICTIONARY[table]
        lines += [f"### {table}", "", f"{summary} Key: `{', '.join(key)}`.", "",
                  "| column | type | unit | allowed values | meaning | example |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for field in arrow_schema(row_type):
            entry = columns[field.name]
            allowed = ", ".join(f"`{v}`" for v in entry.values) if entry.values else (entry.allowed or "")
            cells = [f"`{field.name}`", type_name(field.type), entry.unit or "", allowed, entry.meaning,
                     f"`{entry.example}`"]
            lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


START, END = "<!-- data-dictionary:start -->", "<!-- data-dictionary:end -->"


def with_section(readme: str) -> str:
    """The README text with its data-dictionary section regenerated."""
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{markdown()}{END}{tail}"


def missing_entries() -> list[str]:
    """`table.column` of every published column that has no dictionary entry."""
    from transforms.rows import TABLES

    return [f"{table}.{f.name}" for table, (row_type, _) in TABLES.items()
            for f in dataclasses.fields(row_type) if f.name not in DICTIONARY[table][1]]


def write_readme(path: str | Path = "README.md") -> None:
    """Regenerate the data-dictionary section of a README in place."""
    target = Path(path)
    target.write_text(with_section(target.read_text(encoding="utf-8")), encoding="utf-8")
