"""``python -m autograder`` works like the ``autograder`` command."""
from autograder.cli import main

main()
