"""Who pays and who receives: the format's payer/payee defaults, shared by the rules and the
reports (kept apart so that the rule modules that need them import no other rule module)."""

from __future__ import annotations

from ..domain.models import PAYING_ROLES, RECEIVING_ROLES, Deal, Tranche


def paying_and_receiving(deal: Deal) -> tuple[list[str], list[str]]:
    """Names of the parties on the paying and on the receiving side (`partner`: neither)."""
    payers = [party.name for party in deal.parties if PAYING_ROLES.intersection(party.roles)]
    payees = [party.name for party in deal.parties if RECEIVING_ROLES.intersection(party.roles)]
    return payers, payees


def tranche_parties(deal: Deal, tranche: Tranche) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Payer and payee names of a tranche, applying the spec's default where it applies."""
    payers, payees = paying_and_receiving(deal)
    defaults = len(payers) == 1 and len(payees) == 1
    default_payer = tuple(payers) if defaults else ()
    default_payee = tuple(payees) if defaults else ()
    if tranche.payee is None and tranche.split:
        # A split names its payees: together they are the tranche's payee.
        default_payee = tuple(dict.fromkeys(name for item in tranche.split for name in item.payee))
    return (tranche.payer or default_payer, tranche.payee or default_payee)
