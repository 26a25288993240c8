#!/usr/bin/python3
"""Validates stickycheck JSON reports against reports/report.schema.json (draft 2020-12).

Usage: validate_report.py SCHEMA REPORT [REPORT...]
Exit 0 when every report is valid; 1 with one line per violation (the report's path, where in
the report, the validator's message); 2 when a file cannot be read or parsed.
Run it with Debian's /usr/bin/python3 and python3-jsonschema (scripts/bootstrap installs it).
"""
import json
import sys

import jsonschema


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"{path}: cannot read: {e}", file=sys.stderr)
        sys.exit(2)


def location(error):
    # "$" is the report's root, as in JSONPath.
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)


def main(argv):
    if len(argv) < 3:
        print("usage: validate_report.py SCHEMA REPORT [REPORT...]", file=sys.stderr)
        return 2
    schema = load(argv[1])
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    invalid = 0
    for path in argv[2:]:
        errors = sorted(validator.iter_errors(load(path)), key=lambda e: list(e.absolute_path))
        for error in errors:
            print(f"{path}: {location(error)}: {error.message}", file=sys.stderr)
        invalid += bool(errors)
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
