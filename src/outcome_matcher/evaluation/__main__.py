"""`python -m outcome_matcher.evaluation ...`: the same command as `outcome-matcher evaluate`."""

import sys

from outcome_matcher.cli import app


def _repeated_sets(argv: list[str]) -> list[str]:
    """`--sets tech house` (the old spelling) as `--sets tech --sets house`."""
    out: list[str] = []
    taking = False
    for arg in argv:
        if arg == "--sets":
            taking = True
            continue
        if taking and not arg.startswith("-"):
            out += ["--sets", arg]
            continue
        taking = False
        out.append(arg)
    return out


if __name__ == "__main__":
    argv = _repeated_sets(sys.argv[1:])
    app(["evaluate", *argv], prog_name="python -m outcome_matcher.evaluation")
