"""Every rule of the format beyond the models' own checks: within one deal, with the
settings, across files, and on the valuation settings. Rules return findings, never raise.
"""
