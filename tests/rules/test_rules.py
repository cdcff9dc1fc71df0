"""The spec's rules, one test each (through `dealledger check --format json`).

Every failing case asserts the code, severity and line of the problem; every passing
counterpart asserts a clean check, so a rule that fires too eagerly fails too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from builders import PARTIES, UPFRONT, make_ledger, minimal_deal, parties
from check_runs import Checked, check, column_of, line_of


def check_deal(
    tmp_path: Path, text: str, *extra: str, settings: str | None = None, name: str = "deal.toml"
) -> tuple[Checked, Path]:
    deals = make_ledger(tmp_path, {name: text}, settings) / "deals"
    return check(tmp_path, *extra), deals / name


def assert_clean(tmp_path: Path, text: str, settings: str | None = None) -> None:
    checked, _ = check_deal(tmp_path, text, settings=settings)
    assert checked.problems == []
    assert (checked.exit_code, checked.data["deals"]) == (0, 1)


def only(checked: Checked, path: Path, code: str, severity: str = "error") -> dict[str, Any]:
    """The one problem of the file, which must have `code`: nothing else fired."""
    found = checked.at(path)
    assert [p["code"] for p in found] == [code], found
    assert found[0]["severity"] == severity
    assert checked.exit_code == (1 if severity == "error" else 0)
    return found[0]


def tranche(**keys: str) -> str:
    """A [[tranches]] table from keys whose values are already TOML."""
    return "[[tranches]]\n" + "".join(f"{key} = {value}\n" for key, value in keys.items()) + "\n"


def test_the_builders_valid_deal_is_clean(tmp_path: Path) -> None:
    assert_clean(tmp_path, minimal_deal())


# --- required keys -----------------------------------------------------------------------


@pytest.mark.parametrize("key", ["id", "title", "kind", "announced"])
def test_missing_top_level_key_is_reported_at_the_start_of_the_file(
    tmp_path: Path, key: str
) -> None:
    text = "\n".join(
        line for line in minimal_deal().splitlines() if not line.startswith(f"{key} =")
    )
    checked, path = check_deal(tmp_path, text + "\n")
    problem = only(checked, path, "DL101")
    assert (problem["line"], problem["column"]) == (1, 1)
    assert f"missing required key `{key}`" in problem["message"]
    assert f"add {key} = " in problem["message"]


def test_missing_key_in_a_tranche_is_reported_at_its_table_header(tmp_path: Path) -> None:
    tranches = UPFRONT + '\n[[tranches]]\nlabel = "no type"\namount = "1B"\n'
    text = minimal_deal(tranches=tranches)
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL101")
    assert problem["line"] == line_of(text, "[[tranches]]", 2)
    assert "`type` in [[tranches]] #2" in problem["message"]
    assert 'add type = "upfront"' in problem["message"]


def test_missing_keys_in_parties_and_sources_at_their_headers(tmp_path: Path) -> None:
    party_text = PARTIES + '\n[[parties]]\nrole = "partner"\n'
    text = minimal_deal(parties=party_text, tail='[[sources]]\ntitle = "no url"\n')
    checked, path = check_deal(tmp_path, text)
    found = {p["message"].split("`")[1]: p for p in checked.at(path, "DL101")}
    assert set(found) == {"name", "url"}
    assert found["name"]["line"] == line_of(text, "[[parties]]", 3)
    assert found["url"]["line"] == line_of(text, "[[sources]]")


def test_missing_parties_entirely(tmp_path: Path) -> None:
    checked, path = check_deal(tmp_path, minimal_deal(parties="", tranches=""))
    assert "missing required key `parties`" in checked.one(path, "DL101")["message"]


def test_missing_parties_hint_shows_the_table_to_write(tmp_path: Path) -> None:
    checked, path = check_deal(tmp_path, minimal_deal(parties="", tranches=""))
    assert "[[parties]]" in checked.one(path, "DL101")["message"]


# --- enums -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        ('kind = "license"', 'kind = "licence"', 'did you mean "license"?'),
        ('kind = "license"', 'kind = "license"\nstatus = "actve"', 'did you mean "active"?'),
        ('kind = "license"', 'kind = "license"\nfinancials = "hidden"', '"undisclosed"'),
        ('role = "licensee"', 'role = "licencee"', 'did you mean "licensee"?'),
        ('type = "upfront"', 'type = "up-front"', 'did you mean "upfront"?'),
        ('type = "upfront"', 'type = "upfront"\nstatus = "payed"', 'did you mean "paid"?'),
        ('type = "upfront"', 'type = "upfront"\nphase = "phase 2"', 'did you mean "phase2"?'),
    ],
    ids=["kind", "status", "financials", "role", "type", "tranche-status", "phase"],
)
def test_enum_values_name_the_choices_and_nearest(
    tmp_path: Path, old: str, new: str, hint: str
) -> None:
    text = minimal_deal().replace(old, new)
    checked, path = check_deal(tmp_path, text)
    bad_line = new.splitlines()[-1]
    problem = only(checked, path, "DL104")
    assert problem["line"] == line_of(text, bad_line)
    assert problem["column"] == bad_line.index('"') + 1
    assert "must be one of" in problem["message"]
    assert hint in problem["message"]


def test_asset_phase_enum(tmp_path: Path) -> None:
    text = minimal_deal(tail='[[assets]]\nname = "X-1"\nphase = "clinical"\n')
    checked, path = check_deal(tmp_path, text)
    assert only(checked, path, "DL104")["line"] == line_of(text, "phase =")


# --- date order --------------------------------------------------------------------------


def test_signed_may_be_before_or_after_announced(tmp_path: Path) -> None:
    assert_clean(tmp_path, minimal_deal(top="signed = 2025-06-20\neffective = 2025-06-20\n"))
    assert_clean(tmp_path, minimal_deal(top="signed = 2025-06-01\n"))


def test_effective_before_signed(tmp_path: Path) -> None:
    text = minimal_deal(top="signed = 2025-06-13\neffective = 2025-06-12\n")
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL201")
    assert (problem["line"], problem["column"]) == (line_of(text, "effective"), 13)
    assert "before signed 2025-06-13" in problem["message"]


def test_terminated_before_signed(tmp_path: Path) -> None:
    top = 'status = "terminated"\nsigned = 2025-06-01\nterminated = 2025-05-31\n'
    text = minimal_deal(top=top)
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL201")
    assert problem["line"] == line_of(text, "terminated =")
    assert "before signed 2025-06-01" in problem["message"]


def test_terminated_before_announced_where_no_signed(tmp_path: Path) -> None:
    text = minimal_deal(top='status = "terminated"\nterminated = 2025-06-12\n')
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL201")
    assert problem["line"] == line_of(text, "terminated =")
    assert "before announced 2025-06-13" in problem["message"]


def test_terminated_after_signed_but_before_announced_is_fine(tmp_path: Path) -> None:
    top = 'status = "terminated"\nsigned = 2025-06-01\nterminated = 2025-06-05\n'
    assert_clean(tmp_path, minimal_deal(top=top))


def test_paid_before_achieved(tmp_path: Path) -> None:
    milestone = tranche(
        type='"milestone"',
        amount='"1B"',
        status='"paid"',
        achieved="2025-08-01",
        paid="2025-07-31",
    )
    text = minimal_deal(tranches=UPFRONT + "\n" + milestone)
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL201")
    assert problem["line"] == line_of(text, "paid = 2025-07-31")
    assert "before achieved 2025-08-01" in problem["message"]


def test_paid_on_the_day_achieved_is_fine(tmp_path: Path) -> None:
    milestone = tranche(
        type='"milestone"', amount='"1B"', status='"paid"', achieved="2025-08-01", paid="2025-08-01"
    )
    assert_clean(tmp_path, minimal_deal(tranches=UPFRONT + "\n" + milestone))


# --- status and dates --------------------------------------------------------------------


def test_terminated_status_needs_the_date(tmp_path: Path) -> None:
    text = minimal_deal(top='status = "terminated"\n')
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL202")
    assert problem["line"] == line_of(text, "status =")
    assert "add terminated = YYYY-MM-DD" in problem["message"]


def test_terminated_date_needs_the_status(tmp_path: Path) -> None:
    text = minimal_deal(top="terminated = 2025-12-01\n")
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL202")
    assert (problem["line"], problem["column"]) == (line_of(text, "terminated ="), 1)
    assert 'status = "terminated"' in problem["message"]


@pytest.mark.parametrize(
    ("keys", "needle", "hint"),
    [
        ({"status": '"achieved"'}, "status =", "add achieved = YYYY-MM-DD"),
        ({"status": '"paid"'}, "status =", "add paid = YYYY-MM-DD"),
        ({"paid": "2025-07-01"}, "paid =", 'needs status = "paid"'),
        ({"status": '"achieved"', "achieved": "2025-07-01", "paid": "2025-07-02"}, "paid =", ""),
        ({"achieved": "2025-07-01"}, "achieved =", 'needs status = "achieved"'),
    ],
    ids=["achieved-no-date", "paid-no-date", "paid-date-expected", "paid-date-achieved", "ach"],
)
def test_tranche_status_and_dates_agree(
    tmp_path: Path, keys: dict[str, str], needle: str, hint: str
) -> None:
    text = minimal_deal(tranches=tranche(type='"upfront"', amount='"110M"', **keys))
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL202")
    assert problem["line"] == line_of(text, needle)
    assert hint in problem["message"]


@pytest.mark.parametrize(
    "keys",
    [
        {"status": '"achieved"', "achieved": "2025-07-01"},
        {"status": '"paid"', "paid": "2025-07-01"},
        {"status": '"paid"', "achieved": "2025-07-01", "paid": "2025-07-02"},
        {"status": '"forfeited"'},
        {"status": '"expected"', "due": '"2030-H1"'},
    ],
)
def test_consistent_tranche_statuses_pass(tmp_path: Path, keys: dict[str, str]) -> None:
    assert_clean(tmp_path, minimal_deal(tranches=tranche(type='"upfront"', amount="1", **keys)))


# --- parties -----------------------------------------------------------------------------


def test_at_least_two_parties(tmp_path: Path) -> None:
    one = '[[parties]]\nname = "Solo"\nrole = "licensor"\n'
    text = minimal_deal(parties=one, tranches=tranche(type='"upfront"', amount="1", payer='"Solo"'))
    checked, path = check_deal(tmp_path, text)
    problem = checked.one(path, "DL212")
    assert problem["line"] == line_of(text, "[[parties]]")
    assert "at least two [[parties]], found 1" in problem["message"]


def test_empty_parties_array(tmp_path: Path) -> None:
    text = minimal_deal(top="parties = []\n", parties="", tranches="", currency=None)
    checked, path = check_deal(tmp_path, text)
    assert "found 0" in checked.one(path, "DL212")["message"]


def test_duplicate_party_names(tmp_path: Path) -> None:
    text = minimal_deal(parties=PARTIES + '\n[[parties]]\nname = "Licensor Co"\nrole = "partner"\n')
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL213")
    assert problem["line"] == line_of(text, 'name = "Licensor Co"', 2)
    assert "listed twice" in problem["message"]


# --- payer and payee ---------------------------------------------------------------------


def test_payer_that_is_not_a_party(tmp_path: Path) -> None:
    text = minimal_deal(tranches=tranche(type='"upfront"', amount="1", payer='"Licensee Inc."'))
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL210")
    assert (problem["line"], problem["column"]) == (line_of(text, "payer ="), 9)
    assert "'Licensee Inc.' is not a party" in problem["message"]
    assert '"Licensee Inc", "Licensor Co"' in problem["message"]


def test_unknown_payee_in_a_list_is_reported_at_the_item(tmp_path: Path) -> None:
    payee = '["Licensor Co", "Ghost Ltd"]'
    text = minimal_deal(tranches=tranche(type='"upfront"', amount="1", payee=payee))
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL210")
    assert problem["line"] == line_of(text, "payee =")
    assert problem["column"] == column_of(text, '"Ghost')
    assert "payee 'Ghost Ltd'" in problem["message"]


def test_shared_payee_list_of_parties_is_fine(tmp_path: Path) -> None:
    roles = parties(("A", "licensor"), ("B", "licensor"), ("C", "licensee"))
    keys = {"type": '"upfront"', "amount": "1", "payer": '"C"', "payee": '["A", "B"]'}
    assert_clean(tmp_path, minimal_deal(parties=roles, tranches=tranche(**keys)))


@pytest.mark.parametrize(
    "roles",
    [
        (("A", "licensor"), ("B", "licensee")),
        (("A", "target"), ("B", "acquirer")),
        (("A", "investee"), ("B", "investor")),
        (("A", "licensor"), ("B", "licensee"), ("C", "partner")),
    ],
    ids=["licence", "acquisition", "investment", "with-partner"],
)
def test_payer_and_payee_default_with_one_paying_and_one_receiving_party(
    tmp_path: Path, roles: tuple[tuple[str, str], ...]
) -> None:
    royalty = tranche(type='"royalty"', rate='"8%"')
    text = minimal_deal(parties=parties(*roles), tranches=UPFRONT + "\n" + royalty)
    assert_clean(tmp_path, text)


def test_two_licensors_need_payer_and_payee_given(tmp_path: Path) -> None:
    # The spec's default needs exactly one paying and one receiving party; otherwise both
    # keys are required, royalties included.
    roles = parties(("A", "licensor"), ("B", "licensor"), ("C", "licensee"))
    royalty = tranche(type='"royalty"', rate='"8%"')
    text = minimal_deal(parties=roles, tranches=UPFRONT + "\n" + royalty)
    checked, path = check_deal(tmp_path, text)
    found = checked.at(path)
    assert [p["code"] for p in found] == ["DL211"] * 4
    headers = [line_of(text, "[[tranches]]"), line_of(text, "[[tranches]]", 2)]
    assert sorted({p["line"] for p in found}) == headers
    payee = [p["message"] for p in found if "`payee` cannot be defaulted" in p["message"]]
    assert len(payee) == 2
    assert 'write payee = ["A", "B"]' in payee[0]
    assert "1 paying and 2 receiving" in payee[0]


def test_giving_payer_and_payee_resolves_two_licensors(tmp_path: Path) -> None:
    roles = parties(("A", "licensor"), ("B", "licensor"), ("C", "licensee"))
    keys = {"type": '"upfront"', "amount": "1", "payer": '"C"', "payee": '"A"'}
    assert_clean(tmp_path, minimal_deal(parties=roles, tranches=tranche(**keys)))
    checked, path = check_deal(
        tmp_path,
        minimal_deal(parties=roles, tranches=tranche(type='"upfront"', amount="1", payee='"A"')),
    )
    assert "`payer` cannot be defaulted" in only(checked, path, "DL211")["message"]


def test_partners_are_neither_side(tmp_path: Path) -> None:
    roles = parties(("A", "partner"), ("B", "partner"))
    text = minimal_deal(parties=roles)
    checked, path = check_deal(tmp_path, text)
    found = checked.at(path, "DL211")
    assert sorted(p["message"].split("`")[1] for p in found) == ["payee", "payer"]
    assert all("0 paying and 0 receiving" in p["message"] for p in found)
    keys = {"type": '"upfront"', "amount": "1", "payer": '"A"', "payee": '"B"'}
    assert_clean(tmp_path, minimal_deal(parties=roles, tranches=tranche(**keys)))


# --- financials, currency and amounts ----------------------------------------------------


def test_disclosed_financials_need_tranches(tmp_path: Path) -> None:
    text = minimal_deal(tranches="")
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL220")
    assert problem["line"] == 1
    assert 'financials = "undisclosed"' in problem["message"]


@pytest.mark.parametrize("financials", ["undisclosed", "none"])
def test_undisclosed_or_none_financials_need_no_tranches(tmp_path: Path, financials: str) -> None:
    text = minimal_deal(top=f'financials = "{financials}"\n', tranches="", currency=None)
    assert_clean(tmp_path, text)


def test_undisclosed_financials_allow_no_amount(tmp_path: Path) -> None:
    text = minimal_deal(top='financials = "undisclosed"\n')
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL220")
    assert (problem["line"], problem["column"]) == (line_of(text, "amount ="), 1)
    assert "allows no amounts" in problem["message"]


def test_undisclosed_financials_allow_no_declared_total(tmp_path: Path) -> None:
    text = minimal_deal(top='financials = "none"\ntotal = "1B"\n', tranches="")
    checked, path = check_deal(tmp_path, text)
    assert only(checked, path, "DL220")["line"] == line_of(text, "total =")


def test_undisclosed_financials_allow_tranches_without_amounts(tmp_path: Path) -> None:
    text = minimal_deal(
        top='financials = "undisclosed"\n',
        tranches=tranche(type='"milestone"') + tranche(type='"royalty"', rate='"tiered"'),
        currency=None,
    )
    assert_clean(tmp_path, text)


def test_currency_required_when_there_are_amounts(tmp_path: Path) -> None:
    text = minimal_deal(currency=None)
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL221")
    assert problem["line"] == 1
    assert 'add currency = "USD"' in problem["message"]


def test_currency_not_required_for_undisclosed_amounts_only(tmp_path: Path) -> None:
    text = minimal_deal(tranches=tranche(type='"upfront"', amount='"undisclosed"'), currency=None)
    assert_clean(tmp_path, text)


def test_amount_required_except_for_royalties(tmp_path: Path) -> None:
    text = minimal_deal(tranches=UPFRONT + "\n" + tranche(type='"milestone"', label='"BLA"'))
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL224")
    assert problem["line"] == line_of(text, "[[tranches]]", 2)
    assert 'amount = "undisclosed"' in problem["message"]


# --- royalties ---------------------------------------------------------------------------


def test_royalty_needs_a_rate_or_tiers(tmp_path: Path) -> None:
    text = minimal_deal(tranches=UPFRONT + "\n" + tranche(type='"royalty"'))
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL222")
    assert problem["line"] == line_of(text, "[[tranches]]", 2)
    assert 'rate = "12%"' in problem["message"]


def test_royalty_carries_no_amount(tmp_path: Path) -> None:
    text = minimal_deal(
        tranches=UPFRONT + "\n" + tranche(type='"royalty"', rate='"8%"', amount="5")
    )
    checked, path = check_deal(tmp_path, text)
    assert only(checked, path, "DL222")["line"] == line_of(text, "amount = 5")


@pytest.mark.parametrize(
    "key", ['rate = "8%"', 'tiers = [{ from = 0, rate = "8%" }]'], ids=["rate", "tiers"]
)
def test_rate_and_tiers_belong_to_royalties_only(tmp_path: Path, key: str) -> None:
    text = minimal_deal(tranches=UPFRONT + key + "\n")
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL222")
    assert (problem["line"], problem["column"]) == (line_of(text, key), 1)
    assert "royalty tranches only" in problem["message"]


def royalty_tiers(tiers: str) -> str:
    return minimal_deal(tranches=UPFRONT + f'\n[[tranches]]\ntype = "royalty"\ntiers = {tiers}\n')


def test_tiers_start_at_zero(tmp_path: Path) -> None:
    text = royalty_tiers('[{ from = "100M", rate = "8%" }, { from = "1B", rate = "10%" }]')
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL223")
    assert (problem["line"], problem["column"]) == (
        line_of(text, "tiers"),
        column_of(text, '"100M'),
    )
    assert "first tier starts at 0" in problem["message"]


TIER_0 = '{ from = 0, rate = "8%" }'


@pytest.mark.parametrize(
    "later",
    [
        '{ from = "2B", rate = "9%" }, { from = "1B", rate = "10%" }',
        '{ from = 0, rate = "10%" }',
    ],
    ids=["decreasing", "equal"],
)
def test_tiers_strictly_increase(tmp_path: Path, later: str) -> None:
    text = royalty_tiers(f"[{TIER_0}, {later}]")
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL223")
    assert problem["line"] == line_of(text, "tiers")
    assert "increase strictly" in problem["message"]


def test_good_tiers_pass(tmp_path: Path) -> None:
    later = '{ from = "500M", rate = "10%" }, { from = "1B", rate = "12.5%" }'
    assert_clean(tmp_path, royalty_tiers(f"[{TIER_0}, {later}]"))


def test_tier_rate_must_be_a_percentage(tmp_path: Path) -> None:
    text = royalty_tiers('[{ from = 0, rate = "eight" }]')
    checked, path = check_deal(tmp_path, text)
    assert 'such as "8%"' in only(checked, path, "DL115")["message"]


@pytest.mark.parametrize(
    "rate",
    [
        "12%",
        "8%-12%",
        "7.5%",
        "single-digit",
        "up to double-digit",
        "up to 15%",
        "mid-single-digit",
        "tiered",
        "high-single-digit to low-double-digit",
    ],
)
def test_valid_royalty_rates(tmp_path: Path, rate: str) -> None:
    assert_clean(
        tmp_path,
        minimal_deal(tranches=UPFRONT + f'[[tranches]]\ntype = "royalty"\nrate = "{rate}"\n'),
    )


@pytest.mark.parametrize(
    ("rate", "hint"),
    [
        ("12", '("12%")'),
        ("double digits", '"up to double-digit"'),
        ("12%-8%", 'write "8%-12%"'),
        ("upto single-digit", "is not a royalty rate"),
        ("low-single-digit to", "is not a royalty rate"),
    ],
)
def test_invalid_royalty_rates(tmp_path: Path, rate: str, hint: str) -> None:
    text = minimal_deal(tranches=UPFRONT + f'[[tranches]]\ntype = "royalty"\nrate = "{rate}"\n')
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL115")
    assert (problem["line"], problem["column"]) == (line_of(text, "rate ="), 8)
    assert hint in problem["message"]


# --- declared total ----------------------------------------------------------------------

AI_DEAL = (
    tranche(type='"upfront"', amount='"110M"')
    + tranche(type='"milestone"', amount='"1.62B"')
    + tranche(type='"commercial"', amount='"3.6B"')
)


@pytest.mark.parametrize("total", ['"5.3B"', '"5.33B"', '"5.3 bn"', "5_300_000_000", '"5,330M"'])
def test_declared_total_within_its_precision_passes(tmp_path: Path, total: str) -> None:
    assert_clean(tmp_path, minimal_deal(top=f"total = {total}\n", tranches=AI_DEAL))


def test_declared_total_outside_its_precision_is_an_error(tmp_path: Path) -> None:
    text = minimal_deal(top='total = "5.2B"\n', tranches=AI_DEAL)
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL230")
    assert (problem["line"], problem["column"]) == (line_of(text, "total ="), 9)
    assert "5330000000" in problem["message"]


def test_declared_total_with_an_undisclosed_amount_is_a_warning(tmp_path: Path) -> None:
    tranches = AI_DEAL + tranche(type='"milestone"', amount='"undisclosed"')
    text = minimal_deal(top='total = "5.2B"\n', tranches=tranches)
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL230", severity="warning")
    assert "undisclosed" in problem["message"]
    strict, _ = check_deal(tmp_path, text, "--strict")
    assert strict.exit_code == 1


@pytest.mark.parametrize(
    ("total", "upfront", "ok"),
    [
        ('"1.20B"', '"1.205B"', True),
        ('"1.20B"', '"1.195B"', True),
        ('"1.20B"', '"1.2051B"', False),
        ('"1.20B"', '"1.1949B"', False),
        ('"1.2B"', '"1.2051B"', True),
        ('"110M"', '"115M"', True),
        ('"110M"', "115_000_001", False),
        ("5_300_000_000", '"5.35B"', True),
        ("5_300_000_000", "5_350_000_001", False),
        ("1_234", "1_234", True),
        ("1_234", "1_235", False),
    ],
)
def test_declared_total_tolerance_is_half_its_last_digit(
    tmp_path: Path, total: str, upfront: str, ok: bool
) -> None:
    text = minimal_deal(
        top=f"total = {total}\n", tranches=tranche(type='"upfront"', amount=upfront)
    )
    checked, path = check_deal(tmp_path, text)
    assert [p["code"] for p in checked.at(path)] == ([] if ok else ["DL230"])


# --- related ids -------------------------------------------------------------------------


def test_related_id_not_in_the_ledger(tmp_path: Path) -> None:
    text = minimal_deal("a", top='related = ["b", "no-such-deal"]\n')
    deals = make_ledger(tmp_path, {"a.toml": text, "b.toml": minimal_deal("b")}) / "deals"
    checked = check(tmp_path)
    problem = only(checked, deals / "a.toml", "DL302")
    assert (problem["line"], problem["column"]) == (
        line_of(text, "related"),
        column_of(text, '"no-'),
    )
    assert "'no-such-deal'" in problem["message"]
    assert checked.data["deals"] == 1


def test_related_to_itself(tmp_path: Path) -> None:
    text = minimal_deal("a", top='related = ["a"]\n')
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL305")
    assert problem["column"] == column_of(text, '"a"]')


# --- party registry ----------------------------------------------------------------------

REGISTRY = """\
[parties."Licensor Company"]
aliases = ["Licensor Co"]

[parties."Licensee Incorporated"]
aliases = ["Licensee Inc"]
"""


def test_party_names_match_the_registry_or_its_aliases(tmp_path: Path) -> None:
    assert_clean(tmp_path, minimal_deal(), settings=REGISTRY)


def test_party_not_in_the_registry_is_a_warning_with_the_nearest_name(tmp_path: Path) -> None:
    text = minimal_deal(parties=PARTIES.replace("Licensee Inc", "Licensee Inc."))
    text = text.replace("Licensor Co", "Zebra Holdings")
    checked, path = check_deal(tmp_path, text, settings=REGISTRY)
    found = checked.at(path, "DL303")
    assert [p["severity"] for p in found] == ["warning", "warning"]
    assert checked.exit_code == 0
    near = next(p for p in found if "Licensee Inc." in p["message"])
    assert near["line"] == line_of(text, 'name = "Licensee Inc."')
    assert 'did you mean "Licensee Inc"?' in near["message"]
    far = next(p for p in found if "Zebra" in p["message"])
    assert "add it to [parties] in dealledger.toml" in far["message"]
    strict, _ = check_deal(tmp_path, text, "--strict", settings=REGISTRY)
    assert strict.exit_code == 1


def test_no_registry_no_registry_warnings(tmp_path: Path) -> None:
    text = minimal_deal().replace("Licensor Co", "Zebra Holdings")
    assert_clean(tmp_path, text, settings='currency = "USD"\n')


# --- FX coverage -------------------------------------------------------------------------

EUR_TRANCHE = UPFRONT + tranche(type='"milestone"', amount='"50M"', currency='"EUR"')


def test_tranche_in_another_currency_without_a_rate(tmp_path: Path) -> None:
    text = minimal_deal(top="signed = 2025-06-20\n", tranches=EUR_TRANCHE)
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL304")
    assert problem["line"] == line_of(text, 'currency = "EUR"')
    assert "EUR→USD" in problem["message"]
    assert "2025-06-20" in problem["message"], "the signed date is the conversion date"


@pytest.mark.parametrize(
    "fx",
    [
        '[[fx]]\ndate = 2025-01-01\nfrom = "EUR"\nto = "USD"\nrate = "1.08"\n',
        '[[fx]]\ndate = 2025-01-01\nfrom = "USD"\nto = "EUR"\nrate = "0.92"\n',
    ],
    ids=["direct", "inverse"],
)
def test_a_direct_or_inverse_rate_covers_the_tranche(tmp_path: Path, fx: str) -> None:
    assert_clean(tmp_path, minimal_deal(tranches=EUR_TRANCHE), settings=fx)


def test_a_rate_dated_after_the_deal_does_not_cover_it(tmp_path: Path) -> None:
    fx = '[[fx]]\ndate = 2025-07-01\nfrom = "EUR"\nto = "USD"\nrate = "1.08"\n'
    checked, path = check_deal(tmp_path, minimal_deal(tranches=EUR_TRANCHE), settings=fx)
    assert "2025-06-13" in only(checked, path, "DL304")["message"]


def test_reporting_currency_needs_rates_for_every_deal_currency(tmp_path: Path) -> None:
    text = minimal_deal(currency="CNY")
    checked, path = check_deal(tmp_path, text, settings='currency = "USD"\n')
    problem = only(checked, path, "DL304")
    assert problem["line"] == line_of(text, "amount =")
    assert "CNY→USD" in problem["message"]


def test_paid_date_is_the_conversion_date(tmp_path: Path) -> None:
    paid = tranche(
        type='"milestone"', amount='"50M"', currency='"EUR"', status='"paid"', paid="2025-09-01"
    )
    fx = '[[fx]]\ndate = 2025-01-01\nfrom = "GBP"\nto = "USD"\nrate = "1.2"\n'
    checked, path = check_deal(tmp_path, minimal_deal(tranches=UPFRONT + paid), settings=fx)
    assert "dated on or before 2025-09-01" in only(checked, path, "DL304")["message"]


# --- dates in the future, assets, owners -------------------------------------------------


@pytest.mark.parametrize("key", ["paid", "achieved"])
def test_paid_or_achieved_in_the_future(tmp_path: Path, key: str) -> None:
    text = minimal_deal(
        tranches=tranche(type='"upfront"', amount="1", status=f'"{key}"', **{key: "2999-01-01"})
    )
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL203")
    assert problem["line"] == line_of(text, f"{key} = 2999")
    assert "in the future" in problem["message"]
    assert 'due = 2999-01-01 with status = "expected"' in problem["message"]


def test_a_future_due_date_is_fine(tmp_path: Path) -> None:
    assert_clean(
        tmp_path, minimal_deal(tranches=tranche(type='"upfront"', amount="1", due="2999-01-01"))
    )


def test_unknown_asset_reference(tmp_path: Path) -> None:
    assets = '[[assets]]\nname = "Peptide X"\ncode = "YS-1"\n'
    milestone = tranche(type='"milestone"', amount='"1B"', asset='"YS-2"')
    text = minimal_deal(tranches=UPFRONT + milestone, tail=assets)
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL214")
    assert problem["line"] == line_of(text, "asset =")
    assert 'write one of "Peptide X"' in problem["message"]
    good = minimal_deal(tranches=UPFRONT + milestone.replace("YS-2", "YS-1"), tail=assets)
    assert_clean(tmp_path, good)


def test_asset_owner_must_be_a_party(tmp_path: Path) -> None:
    assets = '[[assets]]\nname = "Peptide X"\nowner = "Nobody"\n'
    text = minimal_deal(tail=assets)
    checked, path = check_deal(tmp_path, text)
    problem = only(checked, path, "DL210")
    assert problem["line"] == line_of(text, "owner =")
    assert "owner 'Nobody' is not a party" in problem["message"]
    assert_clean(tmp_path, minimal_deal(tail=assets.replace("Nobody", "Licensor Co")))


def test_duplicate_asset_names(tmp_path: Path) -> None:
    assets = '[[assets]]\nname = "X"\n\n[[assets]]\nname = "X"\n'
    text = minimal_deal(tail=assets)
    checked, path = check_deal(tmp_path, text)
    assert only(checked, path, "DL213")["line"] == line_of(text, 'name = "X"', 2)


def test_source_url_must_be_http(tmp_path: Path) -> None:
    text = minimal_deal(tail='[[sources]]\nurl = "ftp://example.com/x"\n')
    checked, path = check_deal(tmp_path, text)
    assert only(checked, path, "DL113")["line"] == line_of(text, "url =")
