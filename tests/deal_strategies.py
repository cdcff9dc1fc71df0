"""Hypothesis strategies for valid deal files, and mutations that make them hostile.

Shared by the fuzz tests (tests/test_fuzz.py) and the long-run harness (fuzz/fuzz_check.py):
the generator yields the TOML data of a deal that must validate, so a round-trip or a
mutation starts from a file dealledger accepts.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from dealledger.domain.models import Model
from dealledger.domain.money import Precision
from dealledger.domain.periods import Period

SLUG_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-"

# Titles and labels include text a terminal or a spreadsheet would act on, so that every
# generated deal is also a hostile-content test.
HOSTILE_TEXT = [
    "[bold red]x[/]",
    "[link=https://evil.example]click[/link]",
    "\x1b]0;pwned\x07",
    "\x1b[2J\x1b[31mred",
    "\u202eevil\u202c",
    '=HYPERLINK("https://evil.example")',
    "@SUM(1+1)",
    "+1",
    "-2",
    "tab\tinside",
    "line\nbreak",
    "\x9bC1 control",
    "Zürich 北京 🧬",
]

texts = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=1,
        max_size=40,
    ).filter(lambda text: text.strip() != ""),
)
slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True)
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2024, 12, 31))
currencies = st.sampled_from(["USD", "EUR", "CNY", "JPY", "GBP", "CHF"])
integer_amounts = st.integers(min_value=0, max_value=10**13)
string_amounts = st.one_of(
    st.builds(lambda n, s: f"{n}{s}", st.integers(0, 9999), st.sampled_from(["", "k", "M", "B"])),
    st.builds(
        lambda n, d, s: f"{n}.{d}{s}",
        st.integers(0, 999),
        st.integers(0, 99).map(lambda v: f"{v:02d}"),
        st.sampled_from(["M", "B", " bn", "mn"]),
    ),
    st.integers(0, 10**12).map(lambda v: f"{v:,}"),
)
amounts = st.one_of(integer_amounts, string_amounts, st.just("undisclosed"))
royalty_rates = st.sampled_from(
    [
        "12%",
        "8%-12%",
        "tiered",
        "single-digit",
        "up to double-digit",
        "high-single-digit to low-double-digit",
    ]
)
dues = st.one_of(
    dates,
    st.builds(lambda y, q: f"{y}-Q{q}", st.integers(2000, 2040), st.integers(1, 4)),
    st.integers(2000, 2040).map(str),
)


@st.composite
def deal_data(draw: st.DrawFn) -> dict[str, Any]:
    """The TOML data of one valid deal: one licensor, one licensee, a few tranches."""
    announced = draw(dates)
    licensor = draw(texts)
    licensee = draw(texts.filter(lambda name: name != licensor))
    data: dict[str, Any] = {
        "id": draw(slugs),
        "title": draw(texts),
        "kind": draw(st.sampled_from(["license", "collaboration", "option", "other"])),
        "announced": announced,
        "currency": draw(currencies),
        "parties": [
            {"name": licensor, "role": "licensor"},
            {"name": licensee, "role": "licensee"},
        ],
    }
    if draw(st.booleans()):
        data["signed"] = announced - dt.timedelta(days=draw(st.integers(0, 30)))
    if draw(st.booleans()):
        data["tags"] = draw(st.lists(texts, max_size=3))
    if draw(st.booleans()):
        data["summary"] = draw(texts)
    tranches = []
    for kind in draw(
        st.lists(
            st.sampled_from(["upfront", "milestone", "commercial", "equity"]),
            min_size=1,
            max_size=5,
        )
    ):
        tranche: dict[str, Any] = {"type": kind, "amount": draw(amounts)}
        if draw(st.booleans()):
            tranche["label"] = draw(texts)
        if draw(st.booleans()):
            tranche["due"] = draw(dues)
        if kind == "upfront" and draw(st.booleans()):
            tranche["status"] = "paid"
            tranche["paid"] = announced + dt.timedelta(days=draw(st.integers(0, 60)))
        tranches.append(tranche)
    if draw(st.booleans()):
        tranches.append({"type": "royalty", "rate": draw(royalty_rates)})
    data["tranches"] = tranches
    if draw(st.booleans()):
        data["sources"] = [{"url": "https://example.com/" + draw(slugs), "title": draw(texts)}]
    return data


def model_to_toml_data(model: Model) -> dict[str, Any]:
    """A model as TOML data again: the inverse of validation, for round-trip tests.

    Written by hand rather than with model_dump, which turns a Period into a dict.
    """
    data: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None or value == field.default or value == ():
            continue
        data[field.alias or name] = _plain(value)
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return model_to_toml_data(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Period):
        return value.text
    if isinstance(value, Precision):
        return format(value.value, "f")
    return value


# --- mutations ---------------------------------------------------------------------------

TYPE_SWAPS = [
    b'"x"',
    b"1",
    b"1.5",
    b"true",
    b"[]",
    b"{}",
    b"1979-05-27",
    b'"undisclosed"',
    b'"-5"',
    b"nan",
    b'"NaN"',
    b'"1e999999"',
    b'"Infinity"',
    b"-1",
    b'"\\u202e"',
    b"9999-12-31",
    b"0001-01-01",
    b'"1e-999999999"',
    b"1979-05-27T07:32:00Z",
    b"07:32:00",
    b'"9999-Q4"',
    b"99999999999999999999",
]


def mutate(data: bytes, rng: random.Random, rounds: int = 3) -> bytes:
    """Byte flips, deletions, duplications, shuffled lines and value type swaps."""
    buffer = bytearray(data)
    for _ in range(rounds):
        choice = rng.randrange(7)
        if choice == 0 and buffer:
            buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
        elif choice == 1 and buffer:
            start = rng.randrange(len(buffer))
            del buffer[start : start + rng.randrange(1, 20)]
        elif choice == 2:
            lines = bytes(buffer).split(b"\n")
            rng.shuffle(lines)
            buffer = bytearray(b"\n".join(lines))
        elif choice == 3:
            lines = bytes(buffer).split(b"\n")
            candidates = [index for index, line in enumerate(lines) if b" = " in line]
            if candidates:
                index = rng.choice(candidates)
                key = lines[index].split(b" = ", 1)[0]
                lines[index] = key + b" = " + rng.choice(TYPE_SWAPS)
                buffer = bytearray(b"\n".join(lines))
        elif choice == 4 and buffer:
            start = rng.randrange(len(buffer))
            buffer[start:start] = buffer[start : start + rng.randrange(1, 40)]
        elif choice == 5:
            position = rng.randrange(len(buffer) + 1)
            buffer[position:position] = rng.choice(
                [
                    b"\x00",
                    b"\xef\xbb\xbf",
                    b"\r\n",
                    b"\xff",
                    b"\x1b[31m",
                    b"[",
                    b"]]",
                    b"=",
                    b'"""',
                    b"'",
                    b"\\",
                    b"#",
                    b"[[tranches]]\n",
                    b"\xe2\x80\xae",
                ]
            )
        elif choice == 6:
            lines = bytes(buffer).split(b"\n")
            if lines:
                index = rng.randrange(len(lines))
                lines.insert(index, lines[index])
                buffer = bytearray(b"\n".join(lines))
    return bytes(buffer)


def generated_deals(count: int) -> list[bytes]:
    """`count` valid deal files from `deal_data`, the same on every call (derandomized)."""
    import tomli_w
    from hypothesis import HealthCheck, given, settings

    found: list[bytes] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(deal_data())
    def collect(data: dict) -> None:
        found.append(tomli_w.dumps(data).encode())

    collect()
    return found[:count]


# Values a key may be given instead of its own: what the format allows elsewhere (periods,
# undisclosed amounts), what it refuses, and what stretches a report (extreme dates and amounts,
# text a terminal or a spreadsheet would act on).
VALUE_SWAPS = [
    b'"undisclosed"',
    b'"2027-Q2"',
    b'"2027"',
    b'"2027-06"',
    b'"9999-Q4"',
    b'"0001-01"',
    b"0001-01-01",
    b"9999-12-31",
    b"1970-01-01",
    b"2100-02-28",
    b'"999999999999B"',
    b'"0.000001M"',
    b'"0"',
    *(b'"' + text.encode("unicode_escape").replace(b'"', b'\\"') + b'"' for text in HOSTILE_TEXT),
]


def mutate_values(data: bytes, rng: random.Random, rounds: int = 3) -> bytes:
    """Values swapped across keys (and so across types), or replaced by a `VALUE_SWAPS` one."""
    lines = data.split(b"\n")
    assigned = [index for index, line in enumerate(lines) if b" = " in line]
    if not assigned:
        return data
    for _ in range(rounds):
        index = rng.choice(assigned)
        key = lines[index].split(b" = ", 1)[0]
        if rng.random() < 0.5:
            value = lines[rng.choice(assigned)].split(b" = ", 1)[1]
        else:
            value = rng.choice(VALUE_SWAPS)
        lines[index] = key + b" = " + value
    return b"\n".join(lines)


# --- every key of the format -------------------------------------------------------------

past_dates = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2023, 12, 31))
percents = st.integers(0, 100).map(lambda value: f"{value}%")
countries = st.sampled_from(["US", "CN", "CH", "GB", "JP", "DE"])
phases = st.sampled_from(
    ["discovery", "preclinical", "phase1", "phase2", "phase3", "filed", "approved"]
)
short_texts = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text("abcdefgh XYZ-", min_size=1).filter(lambda text: text.strip() != ""),
)


@st.composite
def full_deal_data(draw: st.DrawFn, deal_id: str, other_ids: tuple[str, ...] = ()) -> dict:
    """A deal using every key of the format that `deal_data` leaves out: dates of each kind,
    statuses, territory, areas, related ids, parents and countries, assets, tranche statuses
    with their dates, payers, phases, probabilities, tiers; undisclosed (no amounts at all)
    and partially disclosed (some amounts "undisclosed") deals."""
    data = draw(deal_data())
    data["id"] = deal_id
    announced = data["announced"] = draw(past_dates)
    signed = data["signed"] = announced - dt.timedelta(days=draw(st.integers(0, 30)))
    licensor, licensee = (party["name"] for party in data["parties"])
    if draw(st.booleans()):
        data["effective"] = signed + dt.timedelta(days=draw(st.integers(0, 90)))
    status = draw(st.sampled_from(["announced", "active", "completed", "terminated", "expired"]))
    data["status"] = status
    if status == "terminated":
        data["terminated"] = announced + dt.timedelta(days=draw(st.integers(0, 400)))
    if draw(st.booleans()):
        data["territory"] = draw(st.sampled_from(["worldwide", ["ex-CN"], ["CN", "HK"]]))
    if draw(st.booleans()):
        data["therapeutic_areas"] = draw(st.lists(short_texts, max_size=2))
    if other_ids and draw(st.booleans()):
        data["related"] = draw(st.lists(st.sampled_from(other_ids), max_size=2, unique=True))
    if draw(st.booleans()):
        data["notes"] = draw(short_texts)
    for party in data["parties"]:
        if draw(st.booleans()):
            party["country"] = draw(countries)
        if draw(st.booleans()):
            party["parent"] = draw(
                short_texts.filter(lambda name: name not in (licensor, licensee))
            )
    asset = {"name": "Asset " + draw(slugs), "phase": draw(phases)}
    for key, value in (
        ("code", "XY" + draw(slugs)),
        ("modality", draw(st.sampled_from(["antibody", "adc", "small-molecule", "sirna"]))),
        ("target", draw(short_texts)),
        ("owner", licensor),
        ("indications", draw(st.lists(short_texts, max_size=2))),
    ):
        if draw(st.booleans()):
            asset[key] = value
    data["assets"] = [asset]
    financials = draw(st.sampled_from(["disclosed", "disclosed", "undisclosed", "none"]))
    if financials != "disclosed":
        data["financials"] = financials
        data["tranches"] = []
        data.pop("total", None)
    for tranche in data["tranches"]:
        _fill_tranche(draw, tranche, announced, licensor, licensee, asset["name"])
    if financials == "disclosed" and draw(st.booleans()):
        data["tranches"].append(
            {"type": "royalty", "tiers": [{"from": 0, "rate": "5%"}, {"from": "1B", "rate": "9%"}]}
        )
    if not data["tranches"]:
        del data["tranches"]
    if "sources" in data and draw(st.booleans()):
        data["sources"][0] |= {"publisher": draw(short_texts), "published": announced}
    return data


def _fill_tranche(
    draw: st.DrawFn,
    tranche: dict,
    announced: dt.date,
    licensor: str,
    licensee: str,
    asset: str,
) -> None:
    if tranche["type"] == "royalty":
        return
    tranche.pop("status", None)
    tranche.pop("paid", None)
    if draw(st.booleans()):
        tranche["amount"] = "undisclosed"  # partially disclosed deals
    if draw(st.booleans()):
        tranche |= {"payer": licensee, "payee": licensor}
    if draw(st.booleans()):
        tranche["due"] = draw(
            st.one_of(
                dues,
                st.builds(lambda y, h: f"{y}-H{h}", st.integers(2000, 2040), st.integers(1, 2)),
            )
        )
    status = draw(st.sampled_from(["expected", "achieved", "paid", "forfeited"]))
    if status == "achieved":
        tranche["achieved"] = announced + dt.timedelta(days=draw(st.integers(0, 300)))
    if status == "paid":
        tranche["paid"] = announced + dt.timedelta(days=draw(st.integers(0, 300)))
    if status != "expected":
        tranche["status"] = status
    if tranche["type"] in ("milestone", "commercial"):
        if draw(st.booleans()):
            tranche["phase"] = draw(phases)
        if draw(st.booleans()):
            tranche["asset"] = asset
        if draw(st.booleans()):
            tranche["probability"] = draw(st.one_of(percents, st.just(0.5)))


@st.composite
def ledger_data(draw: st.DrawFn) -> dict[str, dict]:
    """One to four deals with distinct ids, `related` pointing at each other: file name -> data."""
    ids = draw(st.lists(slugs, min_size=1, max_size=4, unique=True))
    files = {
        f"deals/{deal_id}.toml": draw(full_deal_data(deal_id, tuple(ids[:index])))
        for index, deal_id in enumerate(ids)
    }
    currency = draw(currencies)  # one, so that reports need no --currency or FX rates
    for data in files.values():
        data["currency"] = currency
    return files
