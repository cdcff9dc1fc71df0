"""A format-version-2 deal using every new key, and a version-1 deal beside it: shared by
the rule and authoring tests of the version-2 terms."""

from __future__ import annotations

BASE = """\
format = 2
id = "v2-example"
title = "Every version-2 term at once"
kind = "license"
announced = 2024-06-14
signed = 2024-06-13
currency = "USD"
total = "1.5B"
total_qualifier = "over"
total_includes = ["upfront", "milestone", "mixed"]
territory = ["worldwide", "ex-CN", "ex-HK"]
amends = "base-deal"

[[parties]]
name = "Licensor Co"
role = ["licensor", "investee"]

[[parties]]
name = "Second Licensor"
role = "licensor"

[[parties]]
name = "Licensee Inc"
role = ["licensee", "investor"]

[[assets]]
name = "A-1"
phase = "phase1"

[[assets]]
name = "B-2"
phase = "preclinical"

[[tranches]]
type = "upfront"
amount = "100M"
payer = "Licensee Inc"
status = "paid"
paid = 2024-07-01
split = [
  { payee = "Licensor Co", share = "35%" },
  { payee = "Second Licensor", share = "undisclosed" },
]

[[tranches]]
type = "milestone"
amount = "1.5B"
qualifier = "over"
payer = "Licensee Inc"
payee = ["Licensor Co", "Second Licensor"]
covers = ["development", "regulatory", "sales"]
sales_share = "60%"
asset = ["A-1", "B-2"]
due = "by 2030-Q2"

[[tranches]]
type = "mixed"
amount = "175M"
payer = "Licensee Inc"
payee = "Licensor Co"
status = "paid"
paid_in = "2024-07"
parts = [{ type = "upfront", amount = "100M" }, { type = "option", amount = "undisclosed" }]

[[tranches]]
type = "equity"
amount = "25.1M"
payer = "Licensee Inc"
payee = "Licensor Co"
stock = { issuer = "Licensor Co", shares = 10_000_000, price = "2.51", premium = "4.55%" }

[[tranches]]
type = "option"
amount = "150M"
payer = "Licensee Inc"
payee = "Licensor Co"
option = "china"

[[tranches]]
type = "royalty"
payer = "Licensee Inc"
payee = "Licensor Co"
rate = "tiered, up to mid-teens"

[[options]]
id = "china"
holder = "Licensee Inc"
right = "territory"
territory = ["CN", "HK"]
deadline = "by 2026-06-30"
status = "exercised"
exercised = 2025-01-10
probability = "50%"

[[options]]
id = "opt-in"
holder = "Licensor Co"
right = "co-commercialization"
territory = ["US"]
after = "approved"

[[rights]]
type = "profit-share"
holder = ["Licensor Co", "Licensee Inc"]
share = "50%"
territory = ["US"]

[[events]]
date = "2025-Q3"
type = "partial-termination"
asset = "B-2"

[[events]]
date = 2025-01-10
type = "option-exercised"
option = "china"
"""


OTHER = """\
id = "base-deal"
title = "The deal amended"
kind = "license"
announced = 2023-01-01
financials = "undisclosed"

[[parties]]
name = "Licensor Co"
role = "licensor"

[[parties]]
name = "Licensee Inc"
role = "licensee"
"""
