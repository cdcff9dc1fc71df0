"""The deal format's vocabulary: models, money, periods, codes, problems and figures.

The lowest stage: it imports nothing else of dealledger, and every other stage may use it.
"""
