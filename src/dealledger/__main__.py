"""`python -m dealledger` runs the same CLI as the `dealledger` script."""

from .cli import main

main()
