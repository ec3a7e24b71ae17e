#!/usr/bin/env python3
"""Checks the API document (docs/openapi.json): a valid OpenAPI 3.1 document
by openapi-spec-validator; every operation has an operationId (unique), an
x-wasmfaas-access, an x-wasmfaas-bucket-scoped and a security list; every
non-open operation documents 401 and 403; every error answer is the shared
Error schema. With codes given, the Error schema's "code" enum must be
exactly those (the C++ contract test compares it with the server's own list).

    openapi_validate.py <openapi.json> [--codes-file <file, one code a line> | <code>...]

Exits 0 when all holds, 1 with one line per problem otherwise.
"""
import sys

from openapi_spec_validator import OpenAPIV31SpecValidator
from openapi_spec_validator.readers import read_from_filename
from jsonschema_path import SchemaPath

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
ACCESS = {"open", "metrics", "ready", "invoke", "admin"}
ERROR_REF = "#/components/schemas/Error"


def expected_codes(arguments):
    if arguments[:1] == ["--codes-file"]:
        with open(arguments[1]) as lines:
            return [line.strip() for line in lines if line.strip()]
    return arguments


def resolve(document, item):
    """An object, or the component its $ref names."""
    while isinstance(item, dict) and "$ref" in item:
        path = item["$ref"].removeprefix("#/").split("/")
        item = document
        for part in path:
            item = item[part]
    return item


def check_operation(document, what, operation):
    problems = []
    if not operation.get("operationId"):
        problems.append(f"{what}: no operationId")
    access = operation.get("x-wasmfaas-access")
    if access not in ACCESS:
        problems.append(f"{what}: x-wasmfaas-access is {access!r}, not one of {sorted(ACCESS)}")
    if not isinstance(operation.get("x-wasmfaas-bucket-scoped"), bool):
        problems.append(f"{what}: x-wasmfaas-bucket-scoped is not true or false")
    security = operation.get("security")
    if security is None:
        problems.append(f"{what}: no security list")
    elif access == "open" and security != []:
        problems.append(f"{what}: an open operation has security {security}")
    elif access in ("invoke", "admin") and security != [{"bearer": []}]:
        problems.append(f"{what}: an {access} operation needs security [{{\"bearer\":[]}}]")
    responses = operation.get("responses", {})
    if access != "open":
        for status in ("401", "403"):
            if status not in responses:
                problems.append(f"{what}: does not document {status}")
    for status, response in responses.items():
        if not status.startswith(("4", "5")):
            continue
        content = resolve(document, response).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        if schema.get("$ref") != ERROR_REF:
            problems.append(f"{what}: the {status} answer is not {ERROR_REF}")
    return problems


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    document, _ = read_from_filename(argv[1])
    problems = []
    validator = OpenAPIV31SpecValidator(SchemaPath.from_dict(document))
    for error in validator.iter_errors():
        problems.append(f"not valid OpenAPI 3.1: {error.message}")
    if not str(document.get("openapi", "")).startswith("3.1."):
        problems.append(f"openapi is {document.get('openapi')!r}, not 3.1.x")

    seen_ids = {}
    operations = 0
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            operations += 1
            what = f"{method.upper()} {path}"
            operation = item[method]
            problems += check_operation(document, what, operation)
            operation_id = operation.get("operationId")
            if operation_id in seen_ids:
                problems.append(f"{what}: operationId {operation_id!r} is also "
                                f"{seen_ids[operation_id]}'s")
            seen_ids.setdefault(operation_id, what)

    if "bearer" not in document.get("components", {}).get("securitySchemes", {}):
        problems.append("components.securitySchemes has no bearer")
    error = document.get("components", {}).get("schemas", {}).get("Error", {})
    if set(error.get("required", [])) != {"error", "code"}:
        problems.append("the Error schema must require error and code")
    if error.get("additionalProperties") is not False:
        problems.append("the Error schema must not allow other properties")
    documented = error.get("properties", {}).get("code", {}).get("enum", [])
    codes = expected_codes(argv[2:])
    if codes and sorted(documented) != sorted(codes):
        missing = sorted(set(codes) - set(documented))
        extra = sorted(set(documented) - set(codes))
        problems.append(f"the Error code enum differs: missing {missing}, not expected {extra}")
    if len(documented) != len(set(documented)):
        problems.append("the Error code enum lists a code twice")

    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"{argv[1]}: valid OpenAPI {document['openapi']}, {operations} operations, "
          f"{len(documented)} error codes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
