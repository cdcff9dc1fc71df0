"""Valuation: risk-adjusted and discounted (rNPV) value of the tranches still to come."""
