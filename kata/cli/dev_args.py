"""The arguments of `kata dev`, apart from its commands: every `kata` command builds the parser, and only
`kata dev` needs the instructor's tools (which import pytest)."""


def dev_arguments(dev) -> None:
    """`kata dev new|check|verify`, registered under the `dev` command by kata.cli.main."""
    sub = dev.add_subparsers(dest="dev_command", required=True)
    n = sub.add_parser("new", help="write every file of a new exercise, ready to fill in")
    n.add_argument("exercise", help="NN_name, e.g. 10_example")
    n.add_argument("--functions", default="solve", help="the functions the learner writes, comma-separated (default: solve)")
    n.add_argument("--title", help="the English title (default: FILL IN)")
    n.add_argument("--title-zh", help="the Chinese title (default: 待填写)")
    c = sub.add_parser("check", help="prove in seconds, without grading, that an exercise's files agree")
    c.add_argument("exercise", nargs="?", help="default: every exercise, and the harness's own messages")
    v = sub.add_parser("verify", help="grade one exercise: stub fails, solution passes, mistakes caught, alternatives pass")
    v.add_argument("exercise")
    v.add_argument("--model", default="tiny", help="the model to grade on (default: tiny, the offline stand-in)")
