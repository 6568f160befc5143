"""`python -m render` runs the tul command line."""

from render.cli import main

main()
