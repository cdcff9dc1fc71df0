"""`dealledger report`: a self-contained page and an SVG timeline, checked by parsing them."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from xml.dom import minidom

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dealledger.cli import app
from dealledger.domain.periods import parse_period
from dealledger.ledger.ledger import load_ledger
from dealledger.load.discover import expand_paths
from dealledger.render.html import render_html
from dealledger.render.svg import event_span, nice_axis, schedule_svg, timeline_svg
from dealledger.reports.html import report_data
from dealledger.reports.timeline import schedule
from dealledger.reports.totals import totals_record

BUNDLED_IDS = [
    "azn-cspc-2023-framework",
    "azn-cspc-2023-lung-confirmatory",
    "azn-cspc-2024-ys2302018",
    "azn-cspc-2025-ai-research",
    "azn-cspc-2026-obesity-peptides",
]

SETTINGS = """\
currency = "USD"

[[fx]]
date = 2024-01-01
from = "EUR"
to = "USD"
rate = "1.1"
"""
DEAL_A = """\
id = "alpha-license"
title = "Alpha licence <script>alert('x')</script> & \\"quotes\\""
kind = "license"
announced = 2024-02-01
currency = "USD"

[[parties]]
name = "Alpha Bio <b>Inc</b>"
role = "licensor"

[[parties]]
name = "Big Pharma"
role = "licensee"

[[tranches]]
type = "upfront"
amount = "50M"
status = "paid"
paid = 2024-03-01

[[tranches]]
type = "milestone"
label = "Phase 2 start"
amount = "100M"
due = "2025-H2"

[[tranches]]
type = "milestone"
label = "IND"
amount = "20M"
status = "achieved"
achieved = 2025-02-01

[[tranches]]
type = "commercial"
amount = "200M"

[[tranches]]
type = "royalty"
rate = "tiered"

[[sources]]
url = "https://example.com/alpha?a=1&b=\\"2\\""
title = "Alpha <em>press</em> release"
publisher = "Example News"
"""
DEAL_B = """\
id = "beta-collab"
title = "Beta collaboration"
kind = "collaboration"
announced = 2024-01-20
signed = 2024-01-15
currency = "EUR"
related = ["alpha-license"]

[[parties]]
name = "Beta SA"
role = "licensor"

[[parties]]
name = "Big Pharma"
role = "licensee"

[[tranches]]
type = "upfront"
amount = "10M"
due = 2024-06-30

[[tranches]]
type = "milestone"
amount = "undisclosed"
"""


@pytest.fixture
def small_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "deals").mkdir()
    (tmp_path / "dealledger.toml").write_text(SETTINGS, encoding="utf-8")
    (tmp_path / "deals" / "a.toml").write_text(DEAL_A, encoding="utf-8")
    (tmp_path / "deals" / "b.toml").write_text(DEAL_B, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEALLEDGER_LEDGER", raising=False)
    return tmp_path


class Page(HTMLParser):
    """Collects what the structure tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


URL_ATTRIBUTES = ("href", "src", "srcset", "action", "formaction", "data", "poster", "xlink:href")


def assert_self_contained(page: Page) -> None:
    assert not page.all("script")
    for tag in ("link", "img", "iframe", "object", "embed", "audio", "video", "source", "base"):
        assert not page.all(tag), tag
    csp = [m for m in page.all("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in (csp[0]["content"] or "")
    for name, attrs in page.tags:
        assert not any(key.startswith("on") for key in attrs), (name, attrs)
        for key in URL_ATTRIBUTES:
            value = attrs.get(key)
            if value is None:
                continue
            assert key == "href" and name == "a", (name, key, value)
            if value.startswith("#"):
                continue
            # The only external URLs are source links, which must not leak the referrer.
            assert value.startswith(("https://", "http://")), value
            assert attrs.get("rel") == "noopener noreferrer"


def test_bundled_report_is_self_contained_and_shows_every_deal(bundled_ledger: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--output", "out/report.html"])
    assert result.exit_code == 2  # the folder does not exist
    assert "does not exist" in result.stderr
    result = CliRunner().invoke(app, ["report", "--output", "report.html"])
    assert result.exit_code == 0, result.output
    html = (bundled_ledger / "report.html").read_text(encoding="utf-8")
    page = parse(html)
    assert_self_contained(page)
    ids = {attrs.get("id") for _, attrs in page.tags}
    for deal_id in BUNDLED_IDS:
        assert f"deal-{deal_id}" in ids
        assert f"#deal-{deal_id}" in {a.get("href") for a in page.all("a")}
    assert {"summary", "totals", "timeline", "schedule", "deals"} <= ids
    assert len(page.all("svg")) == 2
    text = " ".join(page.text)
    assert "USD 25.85B" in text  # 2.02B + 5.33B + 18.5B, all disclosed amounts
    sources = [a for a in page.all("a") if (a.get("href") or "").startswith("http")]
    assert len(sources) >= 5
    assert not list(bundled_ledger.glob(".report.html.*"))


def test_untrusted_text_is_escaped(small_ledger: Path) -> None:
    result = CliRunner().invoke(app, ["report", "-o", "r.html"])
    assert result.exit_code == 0, result.output
    html = (small_ledger / "r.html").read_text(encoding="utf-8")
    page = parse(html)
    assert_self_contained(page)
    assert not page.all("b") and not page.all("em")
    text = "".join(page.text)
    assert "<script>alert('x')</script>" in text
    assert "Alpha Bio <b>Inc</b>" in text
    assert "Alpha <em>press</em> release" in text
    (link,) = [a for a in page.all("a") if (a.get("href") or "").startswith("https://")]
    assert link["href"] == 'https://example.com/alpha?a=1&b="2"'
    assert link["rel"] == "noopener noreferrer"
    assert "paid 2024-03-01" in text
    assert "due 2025-H2" in text
    assert "achieved 2025-02-01" in text


def test_schedule_and_totals_by_hand(small_ledger: Path) -> None:
    ledger = load_ledger(small_ledger, today=date(2025, 6, 1))
    assert not ledger.problems
    found = schedule(ledger, "year", "USD")
    # 2024: A's upfront paid (50M); B's EUR 10M upfront due, at 1.1 on its signing date.
    # 2025: A's 100M milestone due 2025-H2 and its 20M achieved 2025-02-01 with no `due`
    # (the timeline schedule counts an achieved tranche in its achieved year).
    # No date: A's 200M commercial.
    assert found.record["periods"] == [
        {"period": "2024", "paid": Decimal("50000000"), "due": Decimal("11000000")},
        {"period": "2025", "paid": Decimal(0), "due": Decimal("120000000")},
    ]
    assert found.record["unscheduled"] == Decimal("200000000")
    assert found.undisclosed == 1
    block = totals_record(ledger, ["year"], "USD")
    overall = block["overall"]
    assert overall["total"] == Decimal("381000000")
    assert overall["paid"] == Decimal("50000000")
    assert overall["outstanding"] == Decimal("331000000")
    assert overall["incomplete_deals"] == 1
    assert [group["key"] for group in block["groups"]] == [{"year": 2024}]
    # The page shows exactly these records.
    data = report_data(ledger, date(2025, 6, 1))
    assert data["totals"] == [block]
    assert data["schedules"] == [{**found.record, "undisclosed_tranches": 1}]
    assert not data["conversion_gaps"]


def test_missing_fx_rate_leaves_the_deal_out(small_ledger: Path) -> None:
    """No EUR rate: the ledger rule DL304 rejects the deal; nothing is guessed."""
    (small_ledger / "dealledger.toml").write_text('currency = "USD"\n', encoding="utf-8")
    ledger = load_ledger(small_ledger, today=date(2025, 6, 1))
    assert "DL304" in {problem.code for problem in ledger.problems}
    data = report_data(ledger, date(2025, 6, 1))
    assert [deal["id"] for deal in data["deals"]] == ["alpha-license"]
    assert data["totals"][0]["overall"]["total"] == Decimal("370000000")
    assert "DL304" in render_html(data)


def test_without_reporting_currency_each_currency_has_its_own_figures(
    small_ledger: Path,
) -> None:
    (small_ledger / "dealledger.toml").unlink()
    ledger = load_ledger(small_ledger, today=date(2025, 6, 1))
    assert not ledger.problems
    data = report_data(ledger, date(2025, 6, 1))
    assert data["currency"] is None
    assert [block["currency"] for block in data["totals"]] == ["EUR", "USD"]
    assert [block["overall"]["total"] for block in data["totals"]] == [
        Decimal("10000000"),
        Decimal("370000000"),
    ]
    eur, usd = data["schedules"]
    assert (eur["currency"], usd["currency"]) == ("EUR", "USD")
    assert eur["periods"] == [
        {"period": "2024", "paid": Decimal(0), "due": Decimal("10000000")},
    ]
    assert usd["periods"][0] == {
        "period": "2024",
        "paid": Decimal("50000000"),
        "due": Decimal(0),
    }
    page = parse(render_html(data))
    assert len(page.all("svg")) == 3  # timeline + one schedule per currency


def test_svg_output_is_well_formed_with_a_lane_per_deal(small_ledger: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--output", "timeline.svg"])
    assert result.exit_code == 0, result.output
    dom = minidom.parse(str(small_ledger / "timeline.svg"))
    root = dom.documentElement
    assert root.tagName == "svg"
    assert root.getAttribute("xmlns") == "http://www.w3.org/2000/svg"
    assert not dom.getElementsByTagName("script")
    labels = [
        node
        for node in dom.getElementsByTagName("text")
        if node.getAttribute("class") == "lane-label"
    ]
    assert [label.lastChild.data for label in labels] == ["beta-collab", "alpha-license"]
    classes = [g.getAttribute("class") for g in dom.getElementsByTagName("g")]
    assert "event event-paid" in classes
    assert "event event-achieved" in classes
    assert sum(name.startswith("event event-due") for name in classes) == 2


def test_report_paths_select_deals(small_ledger: Path) -> None:
    targets = expand_paths(["deals/b.toml"], None)
    data = report_data(load_ledger(small_ledger, targets), date(2025, 6, 1))
    assert [deal["id"] for deal in data["deals"]] == ["beta-collab"]
    # alpha relates to nothing, but beta names it: the link shows on beta's detail.
    assert [related["id"] for related in data["deals"][0]["related"]] == ["alpha-license"]


def test_bad_output_names(small_ledger: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--output", "report.pdf"])
    assert result.exit_code == 2
    assert ".html" in result.stderr
    result = CliRunner().invoke(app, ["report"])
    assert result.exit_code == 2
    assert not list(small_ledger.glob("report*"))


def test_errors_still_write_the_report_and_exit_1(small_ledger: Path) -> None:
    (small_ledger / "deals" / "broken.toml").write_text("id = \n", encoding="utf-8")
    result = CliRunner().invoke(app, ["report", "-o", "r.html"])
    assert result.exit_code == 1
    assert "DL003" in result.stderr
    page = parse((small_ledger / "r.html").read_text(encoding="utf-8"))
    assert "problems" in {attrs.get("id") for _, attrs in page.tags}


def test_event_span_covers_the_period_and_stops_at_the_last_day() -> None:
    def span(text: str) -> tuple[date, date]:
        when = parse_period(text) if len(text) != 10 else date.fromisoformat(text)
        return event_span({"date": when})

    assert span("2026-Q2") == (date(2026, 4, 1), date(2026, 7, 1))
    assert span("2026-H2") == (date(2026, 7, 1), date(2027, 1, 1))
    assert span("2026-12") == (date(2026, 12, 1), date(2027, 1, 1))
    assert span("2026") == (date(2026, 1, 1), date(2027, 1, 1))
    assert span("2026-03-05") == (date(2026, 3, 5), date(2026, 3, 6))
    assert span("9999") == (date(9999, 1, 1), date(9999, 12, 31))
    assert span("9999-12-31") == (date(9999, 12, 31), date(9999, 12, 31))


def test_empty_charts_render() -> None:
    empty = {"currency": "USD", "periods": [], "unscheduled": Decimal(0)}
    for svg in (timeline_svg([], [], date(2025, 1, 1)), schedule_svg(empty)):
        assert minidom.parseString(svg).documentElement.tagName == "svg"


@settings(max_examples=40, deadline=None)
@given(title=st.text(min_size=1), deal_id=st.text(min_size=1, max_size=40))
def test_timeline_svg_is_well_formed_whatever_the_text(title: str, deal_id: str) -> None:
    lanes = [{"deal": deal_id, "title": title, "date": date(2024, 5, 1)}]
    events = [
        {
            "date": parse_period("2025-Q1"),
            "deal": deal_id,
            "event": "due",
            "type": "milestone",
            "label": title,
            "amount": Decimal("12.5"),
            "currency": "USD",
        }
    ]
    svg = timeline_svg(lanes, events, date(2024, 9, 1))
    dom = minidom.parseString(svg.encode("utf-8", "surrogatepass"))
    assert not dom.getElementsByTagName("script")
    (label,) = [
        n for n in dom.getElementsByTagName("text") if n.getAttribute("class") == "lane-label"
    ]
    assert label.getElementsByTagName("title")[0].firstChild.data.strip() or not title.strip()


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _console_lines(browser: str, page: Path) -> tuple[list[str], str]:
    """Console messages (and CSP refusals) Chromium logs while loading `page`, and its DOM."""
    import subprocess

    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [
        line
        for line in done.stderr.splitlines()
        if ":CONSOLE" in line or "Content Security Policy" in line or "Refused to" in line
    ]
    return lines, done.stdout


@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None, reason="needs chromium")
def test_opens_in_chromium_without_console_messages(small_ledger: Path) -> None:
    browser = _chromium()
    assert browser is not None
    # Control: a page that logs must be seen logging, or the check below proves nothing.
    control = small_ledger / "control.html"
    control.write_text("<p>x</p><script>console.error('control-probe')</script>")
    lines, _ = _console_lines(browser, control)
    assert any("control-probe" in line for line in lines)

    result = CliRunner().invoke(app, ["report", "-o", "r.html"])
    assert result.exit_code == 0
    lines, dom = _console_lines(browser, small_ledger / "r.html")
    assert lines == []
    assert 'id="deal-alpha-license"' in dom and 'id="deal-beta-collab"' in dom
    assert "<script>alert" not in dom


def _layout(browser: str, page: Path, width: int, extra_css: str = "") -> dict[str, object]:
    """What overflows `page` at `width` px: a copy of the page without its CSP runs a probe
    script after layout and writes its finding into the DOM that `--dump-dom` prints."""
    import json
    import re
    import subprocess
    import tempfile

    probe = """<script>
addEventListener('load', () => {
  const width = document.documentElement.clientWidth;
  const name = (el) => el.tagName + '#' + (el.id || el.getAttribute('class') || '');
  const past = [...document.querySelectorAll('table, svg, section, article, aside')]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5).map(name);
  const scrolled = [...document.querySelectorAll('.scroll')]
    .filter((el) => el.scrollWidth > el.clientWidth + 1).map(name);
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({width, page: document.documentElement.scrollWidth,
    past, scrolled});
  document.body.appendChild(out);
});
</script>"""
    html = page.read_text(encoding="utf-8")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    html = html.replace("</head>", f"<style>{extra_css}</style>{probe}</head>", 1)
    copy = page.with_name(page.stem + "-probe.html")
    copy.write_text(html, encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size={width},900",
                "--virtual-time-budget=5000",
                "--dump-dom",
                copy.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stderr[-2000:]
    return json.loads(found[1].replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.skipif(_chromium() is None, reason="needs chromium")
@pytest.mark.parametrize("width", [1280, 1920])
def test_nothing_overflows_the_window_in_chromium(bundled_ledger: Path, width: int) -> None:
    browser = _chromium()
    assert browser is not None
    result = CliRunner().invoke(app, ["report", "--as-of", "2026-01-15", "-o", "r.html"])
    assert result.exit_code == 0, result.output
    # Control: a table forced wider than the window must be caught, or the probe proves nothing.
    control = _layout(browser, bundled_ledger / "r.html", width, "table { min-width: 2500px; }")
    assert control["past"] and control["page"] > width
    layout = _layout(browser, bundled_ledger / "r.html", width)
    assert layout["width"] == width
    assert layout["page"] <= width
    assert layout["past"] == [] and layout["scrolled"] == []


def _rules(css: str, selector: str) -> list[str]:
    """The bodies of the CSS rules whose selector list contains `selector`."""
    import re

    return [
        body
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
        if selector in [part.strip() for part in selectors.split(",")]
    ]


def test_css_lets_tables_fit_and_never_wraps_numbers() -> None:
    from dealledger.render.html import CSS

    assert "max-width: 1180px" not in CSS
    for selector in ("main", "table", ".summary table", ".scroll"):
        assert not any("max-width" in body for body in _rules(CSS, selector)), selector
    assert any("width: 100%" in body for body in _rules(CSS, "table"))
    for selector in ("td.num", ".date"):
        assert any("white-space: nowrap" in body for body in _rules(CSS, selector)), selector
    # Text cells may wrap: nothing but numbers, dates, ids and badges is kept on one line.
    assert not any("nowrap" in body for body in _rules(CSS, "td"))
    assert not any("nowrap" in body for body in _rules(CSS, "th"))
    print_css = CSS[CSS.index("@media print") :]
    assert any("table-header-group" in body for body in _rules(print_css, "thead"))
    assert any("table-row-group" in body for body in _rules(print_css, "tfoot"))
    assert "A4 landscape" in CSS


def test_amounts_and_dates_are_in_nowrap_cells(small_ledger: Path) -> None:
    import re

    result = CliRunner().invoke(app, ["report", "--as-of", "2025-06-01", "-o", "r.html"])
    assert result.exit_code == 0, result.output
    html = (small_ledger / "r.html").read_text(encoding="utf-8")
    summary = html[html.index('<section id="summary">') : html.index('<section id="totals">')]
    for cell in re.findall(r"<td>(.*?)</td>", summary, re.S):
        assert not re.search(r"\bUSD \d", cell), cell  # money only in class=num cells
    assert re.search(r"<td class=num>USD 50M</td>", summary)
    assert '<span class="date">2024-01-15</span>' in summary


UNDISCLOSED_DATED = """\
id = "gamma-undisclosed"
title = "Gamma"
kind = "license"
announced = 2024-05-01
currency = "USD"

[[parties]]
name = "Gamma Bio"
role = "licensor"

[[parties]]
name = "Big Pharma"
role = "licensee"

[[tranches]]
type = "upfront"
amount = "5M"
status = "paid"
paid = 2024-06-01

[[tranches]]
type = "milestone"
label = "approval"
amount = "undisclosed"
due = 2030-01-01
"""


def test_a_dated_undisclosed_milestone_is_shown_as_undisclosed_not_added(
    small_ledger: Path,
) -> None:
    """It used to crash `report`: Decimal + None in the schedule's period sum."""
    (small_ledger / "deals" / "c.toml").write_text(UNDISCLOSED_DATED, encoding="utf-8")
    result = CliRunner().invoke(app, ["report", "--as-of", "2025-06-01", "-o", "r.html"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    html = (small_ledger / "r.html").read_text(encoding="utf-8")
    schedule_part = html[html.index('<section id="schedule">') : html.index('id="valuation"')]
    svg = minidom.parseString(
        schedule_part[schedule_part.index("<svg") : schedule_part.index("</svg>") + 6]
    )
    texts = [node.firstChild.data for node in svg.getElementsByTagName("text") if node.firstChild]
    assert "2030" in texts
    assert texts[texts.index("2030") - 1] == "undisclosed"
    assert "0" not in texts[texts.index("2030") - 1 :]


def test_year_9999_draws_in_every_chart(small_ledger: Path) -> None:
    text = UNDISCLOSED_DATED.replace(
        'amount = "undisclosed"\ndue = 2030-01-01', 'amount = "1M"\ndue = "9999"'
    )
    text += '\n[[tranches]]\ntype = "milestone"\namount = "2M"\ndue = 9999-12-31\n'
    (small_ledger / "deals" / "c.toml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["report", "--as-of", "2025-06-01", "-o", "r.html"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["report", "--as-of", "2025-06-01", "-o", "t.svg"])
    assert result.exit_code == 0, result.output
    dom = minidom.parse(str(small_ledger / "t.svg"))
    grid = [n for n in dom.getElementsByTagName("line") if n.getAttribute("class") == "grid"]
    assert 2 <= len(grid) <= 20  # a round step of years, not one line per year to 9999
    html = (small_ledger / "r.html").read_text(encoding="utf-8")
    assert ">9999</text>" in html


def test_nice_axis_fits_the_data() -> None:
    assert nice_axis(Decimal("33.5e9")) == (Decimal("40e9"), Decimal("10e9"))
    assert nice_axis(Decimal("21e6")) == (Decimal("25e6"), Decimal("5e6"))
    assert nice_axis(Decimal("20e6")) == (Decimal("20e6"), Decimal("5e6"))
    for value in ("0.7", "1", "7", "99", "101", "123456789", "5e11"):
        maximum, step = nice_axis(Decimal(value))
        assert Decimal(value) <= maximum < Decimal(value) + step
        assert 2 <= maximum / step <= 5


def test_schedule_axis_ignores_undated_caps() -> None:
    record = {
        "currency": "USD",
        "periods": [
            {"period": "2025", "paid": Decimal("3e9"), "due": Decimal("30.5e9")},
            {"period": "2026", "paid": Decimal(0), "due": Decimal("1e9")},
        ],
        "unscheduled": Decimal("500e9"),
        "undisclosed_tranches": 0,
    }
    dom = minidom.parseString(schedule_svg(record))
    texts = [node.firstChild.data for node in dom.getElementsByTagName("text") if node.firstChild]
    assert "40B" in texts and "50B" not in texts
    assert "500B" not in texts and "no date" not in texts
    html = render_html_of_schedule(record)
    assert "No due date: USD 500B" in html


def render_html_of_schedule(record: dict[str, object]) -> str:
    from dealledger.render.html import _schedule_block

    return _schedule_block(record)


def test_timeline_draws_grid_and_today_above_stripes_and_stacks_one_period() -> None:
    lanes = [
        {"deal": "a", "title": "A", "date": date(2024, 1, 10)},
        {"deal": "b", "title": "B", "date": date(2024, 2, 10)},
    ]
    due = parse_period("2025-Q2")
    events = [
        {
            "date": due,
            "deal": "b",
            "event": "due",
            "type": "milestone",
            "label": label,
            "amount": Decimal("1e6"),
            "currency": "USD",
            "overdue": overdue,
        }
        for label, overdue in (("one", False), ("two", True))
    ]
    svg = timeline_svg(lanes, events, date(2025, 8, 1))
    dom = minidom.parseString(svg)
    order = [
        node.getAttribute("class")
        for node in dom.documentElement.childNodes
        if node.nodeType == node.ELEMENT_NODE and node.getAttribute("class")
    ]
    assert order.index("stripe") < order.index("grid") < order.index("today")
    assert max(i for i, c in enumerate(order) if c == "stripe") < order.index("grid")
    marks = [g for g in dom.getElementsByTagName("g") if "event-due" in g.getAttribute("class")]
    assert len(marks) == 2
    ys = {g.getElementsByTagName("rect")[0].getAttribute("y") for g in marks}
    assert len(ys) == 2  # stacked, not drawn on top of each other
    assert [g.getAttribute("class") for g in marks] == [
        "event event-due",
        "event event-due overdue",
    ]
    assert "×2" in svg


def test_overdue_is_the_last_day_of_the_period(small_ledger: Path) -> None:
    from dealledger.domain.overdue import is_overdue

    ledger = load_ledger(small_ledger, today=date(2025, 6, 1))
    alpha = next(entry.deal for entry in ledger.entries if entry.deal.id == "alpha-license")
    phase2 = alpha.tranches[1]  # expected, due 2025-H2
    assert not is_overdue(phase2, date(2025, 12, 31))
    assert is_overdue(phase2, date(2026, 1, 1))
    assert not is_overdue(alpha.tranches[2], date(2030, 1, 1))  # achieved: not "expected"
    assert not is_overdue(alpha.tranches[3], date(2030, 1, 1))  # no due
    assert parse_period("2024-02").end == date(2024, 2, 29)
    assert parse_period("2025-Q4").end == date(2025, 12, 31)
    assert parse_period("9999-H2").end == date(9999, 12, 31)


def test_overdue_tranches_are_marked_in_the_deal_and_the_timeline(small_ledger: Path) -> None:
    def page(as_of: str) -> str:
        result = CliRunner().invoke(app, ["report", "--as-of", as_of, "-o", "r.html"])
        assert result.exit_code == 0, result.output
        return (small_ledger / "r.html").read_text(encoding="utf-8")

    def alpha(html: str) -> str:
        start = html.index('id="deal-alpha-license"')
        return html[start : html.index("</article>", start)]

    before, after = page("2025-12-31"), page("2026-01-01")
    assert "as of 2026-01-01" in after
    # alpha's phase 2 milestone is due 2025-H2: overdue from 2026-01-01 on, not before.
    assert '<tr class="overdue">' not in alpha(before)
    assert alpha(after).count('<tr class="overdue">') == 1
    assert before.count("event event-due overdue") == 1  # beta's upfront, due 2024-06-30
    assert after.count("event event-due overdue") == 2
    assert after.count('<span class="badge overdue">1 overdue</span>') == 2


def test_problems_wording_follows_what_is_listed(small_ledger: Path) -> None:
    registry = '\n[parties."Big Pharma"]\n'  # the other parties: DL303 warnings
    (small_ledger / "dealledger.toml").write_text(SETTINGS + registry, encoding="utf-8")
    result = CliRunner().invoke(app, ["report", "-o", "r.html"])
    problems = (small_ledger / "r.html").read_text(encoding="utf-8")
    assert result.exit_code == 0, result.stderr
    section = problems[problems.index('id="problems"') :]
    assert "warning" in section
    assert "left out" not in section and "Only warnings" in section
    (small_ledger / "deals" / "broken.toml").write_text("id = \n", encoding="utf-8")
    CliRunner().invoke(app, ["report", "-o", "r.html"])
    html = (small_ledger / "r.html").read_text(encoding="utf-8")
    section = html[html.index('id="problems"') :]
    assert "1 file with errors is left out" in section and "broken.toml" in section
    assert "Files with only warnings are in the report." in section


def test_valuation_section_matches_value_and_links_each_explanation(small_ledger: Path) -> None:
    import json

    result = CliRunner().invoke(app, ["report", "--as-of", "2025-06-01", "-o", "r.html"])
    assert result.exit_code == 0, result.output
    html = (small_ledger / "r.html").read_text(encoding="utf-8")
    page = parse(html)
    ids = {attrs.get("id") for _, attrs in page.tags}
    assert "valuation" in ids
    links = [a["href"] for a in page.all("a") if (a.get("href") or "").startswith("#value-")]
    assert links == ["#value-beta-collab", "#value-alpha-license"]
    assert {link[1:] for link in links} <= ids
    value = CliRunner().invoke(app, ["value", "--as-of", "2025-06-01", "--format", "json"])
    document = json.loads(value.stdout, parse_float=Decimal, parse_int=Decimal)
    data = report_data(load_ledger(small_ledger, today=date(2025, 6, 1)), date(2025, 6, 1))
    (valuation,) = data["valuations"]
    assert valuation["overall"]["rnpv"] == document["overall"]["rnpv"] > 0
    assert valuation["assumptions"]["transition_source"] in html.replace("&quot;", '"')
    assert "10% a year" in html
    explanation = html[html.index('id="value-alpha-license"') :]
    explanation = explanation[: explanation.index("</section>")]
    assert "Phase 2 start" in explanation and "USD 100,000,000" in explanation
