"""Finding deal files and reading them into validated models, with source positions.

Uses only `domain`. Nothing here runs a rule beyond the models' own validation.
"""
