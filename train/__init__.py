"""The command line: ``python -m train <family> --dataset <name> ...`` (see ``python -m train --help``)."""
