"""A small multi-currency ledger for the report tests (totals, timeline, show, export).

It holds what the reports must get right: EUR, CNY and JPY tranches converted to USD (one
through an inverse rate, one on its paid date), a registry with aliases and a group of two
subsidiaries, a joint payee, an undisclosed amount, a deal with undisclosed financials,
forfeited and paid tranches, due periods and a terminated deal.

Figures worked by hand (USD, each tranche rounded to the cent before summing):
  eu-licence   upfront 12,345,678.91 EUR paid 2024-07-01 x 1.0700 = 13,209,876.43 (paid)
               milestone 50,000,000 EUR x 1.0850 (deal date 2024-03-15) = 54,250,000.00
               milestone undisclosed
               commercial 100,000,000 EUR x 1.0850 = 108,500,000.00 (forfeited)
  cn-collab    upfront 100,000,000 CNY / 7.1 (inverse of USD→CNY) = 14,084,507.04
               equity 1,000,000,000 JPY paid 2025-03-01 x 0.0067 = 6,700,000.00 (paid)
               milestone 20,000,000 CNY / 7.1 = 2,816,901.41
  us-framework financials undisclosed
  us-option    upfront 5,000,000 (paid), milestone 20,000,000 (forfeited),
               option 2,500,000.25 (forfeited)
  overall total 227,061,285.13; paid 24,909,876.43; forfeited 131,000,000.25;
  outstanding 71,151,408.45; 4 deals, 2 incomplete.
"""

from __future__ import annotations

from pathlib import Path

from builders import make_ledger

SETTINGS = """\
currency = "USD"

[[fx]]
date = 2024-01-01
from = "EUR"
to = "USD"
rate = "1.0850"

[[fx]]
date = 2024-06-01
from = "EUR"
to = "USD"
rate = "1.0700"

[[fx]]
date = 2024-01-01
from = "USD"
to = "CNY"
rate = "7.1"

[[fx]]
date = 2024-01-01
from = "JPY"
to = "USD"
rate = "0.0067"

[[fx]]
date = 2024-01-01
from = "JPY"
to = "CNY"
rate = "0.048"

[parties."Alpha Group"]
aliases = ["Alpha", "Alpha Holdings"]

[parties."Alpha Bio GmbH"]
parent = "Alpha Group"

[parties."Alpha Pharma KK"]
parent = "Alpha Group"

[parties."Beta Pharma"]

[parties."Delta Inc"]
"""

DEALS = {
    "2024/eu-licence.toml": """\
id = "eu-licence"
title = "Alpha Bio licenses AB-101 to Beta"
kind = "license"
announced = 2024-03-18
signed = 2024-03-15
currency = "EUR"
therapeutic_areas = ["oncology"]
tags = ["europe", "antibody"]

[[parties]]
name = "Alpha Bio GmbH"
role = "licensor"

[[parties]]
name = "Beta Pharma"
role = "licensee"

[[assets]]
name = "AB-101"
phase = "phase1"

[[tranches]]
type = "upfront"
amount = "12345678.91"
status = "paid"
paid = 2024-07-01

[[tranches]]
type = "milestone"
label = "Phase 2 start"
amount = 50000000
due = "2025-H2"

[[tranches]]
type = "milestone"
label = "Approval"
amount = "undisclosed"

[[tranches]]
type = "commercial"
label = "Sales milestones"
amount = 100000000
status = "forfeited"

[[tranches]]
type = "royalty"
rate = "mid-single-digit"

[[sources]]
url = "https://example.com/eu-licence"
title = "Alpha Bio and Beta sign licence"
""",
    "2025/cn-collab.toml": """\
id = "cn-collab"
title = "Beta and two Alpha companies collaborate in China"
kind = "collaboration"
announced = 2025-02-10
currency = "CNY"
therapeutic_areas = ["oncology", "immunology"]
tags = ["china"]
related = ["eu-licence"]

[[parties]]
name = "Alpha Bio GmbH"
role = "licensor"

[[parties]]
name = "Alpha Pharma KK"
role = "licensor"

[[parties]]
name = "Beta Pharma"
role = "licensee"

[[tranches]]
type = "upfront"
amount = 100000000
payer = "Beta Pharma"
payee = ["Alpha Bio GmbH", "Alpha Pharma KK"]

[[tranches]]
type = "equity"
label = "Equity investment"
amount = 1000000000
currency = "JPY"
payer = "Beta Pharma"
payee = "Alpha Pharma KK"
status = "paid"
paid = 2025-03-01

[[tranches]]
type = "milestone"
label = "IND acceptance"
amount = 20000000
payer = "Beta Pharma"
payee = "Alpha Bio GmbH"
due = "2026-Q1"

[[tranches]]
type = "royalty"
rate = "low-single-digit"
payer = "Beta Pharma"
payee = ["Alpha Bio GmbH", "Alpha Pharma KK"]
""",
    "2024/us-framework.toml": """\
id = "us-framework"
title = "Beta and Delta framework"
kind = "framework"
announced = 2024-09-01
financials = "undisclosed"

[[parties]]
name = "Beta Pharma"
role = "partner"

[[parties]]
name = "Delta Inc"
role = "partner"
""",
    "2023/us-option.toml": """\
id = "us-option"
title = "Alpha takes an option on Delta's DX-7"
kind = "option"
status = "terminated"
announced = 2023-04-03
signed = 2023-04-01
terminated = 2024-01-31
currency = "USD"
therapeutic_areas = ["neurology"]

[[parties]]
name = "Delta Inc"
role = "licensor"

[[parties]]
name = "Alpha"
role = "licensee"

[[tranches]]
type = "upfront"
amount = 5000000
status = "paid"
paid = 2023-05-01

[[tranches]]
type = "milestone"
amount = 20000000
status = "forfeited"

[[tranches]]
type = "option"
label = "Option exercise fee"
amount = "2500000.25"
status = "forfeited"
due = 2024-05-15
""",
}


def write_ledger(root: Path) -> Path:
    """Write the ledger under `root` and return it."""
    return make_ledger(root, DEALS, SETTINGS)
