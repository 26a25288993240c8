#!/usr/bin/python3
"""Validates SARIF logs (e.g. `stickycheck lint --sarif` output) against a JSON schema.

Usage: validate_sarif.py SCHEMA FILE [FILE...]
  SCHEMA is normally reports/sarif-2.1.0.schema.json (the OASIS SARIF 2.1.0 schema, draft-04).
Exit 0 when every file is valid; 1 when any file violates the schema (one line per violation on
stderr: the file, a JSONPath-like location with "$" as the log's root, the validator's message);
2 on bad usage, an unreadable/unparsable file or schema, or a schema that needs remote $refs.
Every file is checked even after a failure; 2 wins over 1.

The validator class is chosen from the schema's "$schema" (draft-04 for the OASIS schema).
Nothing is fetched from the network: the schema must only use $refs into itself.
The "format"s the SARIF schema uses (uri, uri-reference, date-time) are checked with the
standard library only, so the result does not depend on optional packages (rfc3987 etc.).
Runs with Debian's /usr/bin/python3 and python3-jsonschema (4.10+), also with newer jsonschema.
"""
import json
import re
import sys

import jsonschema


class Unreadable(Exception):
    pass


def _reject_constant(name):
    # json accepts NaN/Infinity by default; they are not JSON (RFC 8259).
    raise ValueError(f"{name} is not valid JSON")


def load(path, duplicates=None):
    """Parses path as strict JSON. Duplicate member names are appended to `duplicates`."""
    def pairs(items):
        obj = {}
        for key, value in items:
            if key in obj and duplicates is not None:
                duplicates.append(key)
            obj[key] = value
        return obj
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f, object_pairs_hook=pairs, parse_constant=_reject_constant)
    except (OSError, ValueError) as e:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise Unreadable(f"{path}: cannot read: {e}") from e


def location(path):
    out = "$"
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        elif re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", p):
            out += f".{p}"
        else:
            out += "[" + json.dumps(p) + "]"
    return out


def remote_refs(schema):
    """$ref values that would need something other than this schema document."""
    own = {schema.get("id"), schema.get("$id")} - {None}
    own |= {u.rstrip("#") for u in own}
    found = []

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#") and ref.split("#", 1)[0] not in own:
                found.append(ref)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    return sorted(set(found))


# RFC 3339 date-time (JSON Schema "date-time"), e.g. 2024-01-31T12:00:00Z or ...00.5+01:00.
_DATE_TIME = re.compile(
    r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)"
    r"(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)")
# RFC 3986: an absolute URI needs a scheme; no URI (reference) contains spaces, controls, or
# characters outside the allowed set other than %-escapes.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_URI_CHARS = re.compile(r"([A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")


def format_checker():
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("date-time")
    def date_time(value):
        return not isinstance(value, str) or bool(_DATE_TIME.fullmatch(value))

    @checker.checks("uri-reference")
    def uri_reference(value):
        return not isinstance(value, str) or bool(_URI_CHARS.fullmatch(value))

    @checker.checks("uri")
    def uri(value):
        return not isinstance(value, str) or bool(_SCHEME.match(value) and _URI_CHARS.fullmatch(value))

    return checker


def describe(error):
    msg = error.message
    if error.context:  # anyOf/oneOf: name the most relevant sub-failure too
        best = jsonschema.exceptions.best_match(error.context)
        msg += f" (e.g. at {location(best.absolute_path)}: {best.message})"
    return msg


def main(argv):
    if len(argv) < 3:
        print("usage: validate_sarif.py SCHEMA FILE [FILE...]", file=sys.stderr)
        return 2
    try:
        schema = load(argv[1])
    except Unreadable as e:
        print(e, file=sys.stderr)
        return 2
    refs = remote_refs(schema)
    if refs:
        print(f"{argv[1]}: schema needs remote $refs, refusing to go online: {', '.join(refs)}",
              file=sys.stderr)
        return 2
    validator_class = jsonschema.validators.validator_for(schema)
    try:
        validator_class.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"{argv[1]}: not a valid {validator_class.__name__} schema: {e.message}", file=sys.stderr)
        return 2
    validator = validator_class(schema, format_checker=format_checker())

    unreadable = invalid = False
    for path in argv[2:]:
        duplicates = []
        try:
            instance = load(path, duplicates)
        except Unreadable as e:
            print(e, file=sys.stderr)
            unreadable = True
            continue
        errors = sorted(validator.iter_errors(instance),
                        key=lambda e: [(isinstance(p, str), p) for p in e.absolute_path])
        for error in errors:
            print(f"{path}: {location(error.absolute_path)}: {describe(error)}", file=sys.stderr)
        for key in sorted(set(duplicates)):
            print(f"{path}: duplicate object member name {json.dumps(key)}", file=sys.stderr)
        invalid |= bool(errors or duplicates)
    return 2 if unreadable else 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
