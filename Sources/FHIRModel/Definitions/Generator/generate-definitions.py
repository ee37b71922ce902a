#!/usr/bin/env python3
"""Generates the FHIR R4 and R5 definition tables of FHIRModel from the official StructureDefinitions.

Reads the snapshots inside the official packages (never an extracted or derived copy) and writes one Swift file per
release holding a compact text table in a raw string literal; FHIRDefinitions parses it once at first use.
Swift's type checker is slow on huge array literals; a string literal compiles in no time.

Usage (from the package root; python3 standard library only):
    Sources/FHIRModel/Definitions/Generator/generate-definitions.py [--shared ../shared] [--out Sources/FHIRModel/Definitions/Generated]

Table format (one record a line, fields separated by one space; docs/definitions.md explains it in full):
    T <name> <kind> <base> <abstract> <systemType> <primitiveKind>
    E <name> <min> <max> <baseMax> <representation> <types>
kind: p primitive-type, c complex-type, r resource, b backbone element.  base, systemType, primitiveKind: `-` if none.
name: the element's last path segment, `value[x]` for a choice.  baseMax: `=` when equal to max.
representation: a xmlAttr, h xhtml, t xmlText, y typeAttr, d cdaText, - none.
types: comma-separated type codes; a backbone element's type is its own path (`Patient.contact`);
a contentReference is `#` + the target path (`#Questionnaire.item`).
"""

import argparse
import io
import json
import os
import sys
import tarfile

SOURCES = {
    "r4": ("fhir/r4/hl7.fhir.r4.core-4.0.1.tgz", "4.0.1"),
    "r5": ("fhir/r5/hl7.fhir.r5.core-5.0.0-structuredefinitions.tgz", "5.0.0"),
}

KIND_CODES = {"primitive-type": "p", "complex-type": "c", "resource": "r"}
REPRESENTATION_CODES = {"xmlAttr": "a", "xhtml": "h", "xmlText": "t", "typeAttr": "y", "cdaText": "d"}
FHIRPATH_PREFIX = "http://hl7.org/fhirpath/"
FHIR_TYPE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type"

# The JSON kind of a primitive's value, by the primitive it specializes (positiveInt <- integer, ...).
PRIMITIVE_KIND_ROOTS = {"boolean": "boolean", "integer": "integer", "decimal": "decimal", "integer64": "integer64"}


def load_structure_definitions(archive_path):
    """The package's StructureDefinitions of wire types (see is_base_type), by name."""
    definitions = {}
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive:
            if not member.isfile() or not member.name.endswith(".json"):
                continue
            data = archive.extractfile(member).read()
            if b'"StructureDefinition"' not in data[:400]:
                continue
            resource = json.load(io.BytesIO(data))
            if resource.get("resourceType") != "StructureDefinition" or not is_base_type(resource):
                continue
            if resource["name"] in definitions:
                sys.exit(f"{archive_path}: two StructureDefinitions named {resource['name']}")
            definitions[resource["name"]] = resource
    return definitions


def is_base_type(sd):
    """Resources, datatypes and primitives of the core specification, plus Quantity's named constraints."""
    kind = sd.get("kind")
    if kind not in KIND_CODES:
        return False  # logical models are not wire types
    derivation = sd.get("derivation")
    if derivation == "specialization" or derivation is None:
        return sd.get("type") == sd["name"] or derivation is None
    # SimpleQuantity and MoneyQuantity: constraints on a datatype that elements name as type profiles.
    return kind == "complex-type" and sd.get("type") == "Quantity" and sd.get("id") == sd["name"]


def last_segment(url):
    return url.rsplit("/", 1)[-1] if url else None


def type_code(element, code_entry, owner_kind, version):
    code = code_entry["code"]
    if not code.startswith(FHIRPATH_PREFIX):
        return code
    system_type = code[len(FHIRPATH_PREFIX):]
    fhir_type = next(
        (x.get("valueUrl") for x in code_entry.get("extension", []) if x.get("url") == FHIR_TYPE_EXTENSION), None)
    if "xmlAttr" in element.get("representation", []) or element["path"].endswith(".value"):
        # Element.id, Extension.url and a primitive's value are FHIRPath system values.
        if fhir_type == "integer64":
            return "System.Long"
        return system_type
    # Resource.id: a FHIR `id` (R4's snapshot says `string` here; the specification's table says `id`).
    if owner_kind == "resource" and element["path"].count(".") == 1 and element["path"].endswith(".id"):
        return "id"
    return fhir_type or system_type


def primitive_kind(name, definitions):
    current = name
    while current:
        if current in PRIMITIVE_KIND_ROOTS:
            return PRIMITIVE_KIND_ROOTS[current]
        sd = definitions.get(current)
        if not sd or sd.get("kind") != "primitive-type":
            break
        current = last_segment(sd.get("baseDefinition"))
    return "string"


def primitive_system_type(name, sd, definitions):
    kind = primitive_kind(name, definitions)
    if kind == "integer64":
        return "System.Long"
    if kind == "integer":
        return "System.Integer"  # positiveInt and unsignedInt say System.String in the snapshot; they are integers
    value = next(e for e in sd["snapshot"]["element"] if e["path"] == name + ".value")
    code = value["type"][0]["code"]
    return code[len(FHIRPATH_PREFIX):] if code.startswith(FHIRPATH_PREFIX) else "System.String"


def emit_structure(sd, definitions, version, out):
    name = sd["name"]
    kind = sd["kind"]
    elements = [e for e in sd["snapshot"]["element"] if ":" not in e["id"]]  # slices are profiles' business
    root = elements[0]["path"]
    children = {}
    for element in elements[1:]:
        parent = element["path"].rsplit(".", 1)[0]
        children.setdefault(parent, []).append(element)

    base = last_segment(sd.get("baseDefinition")) or "-"
    abstract = "1" if sd.get("abstract") else "0"
    if kind == "primitive-type":
        header = f"T {name} p {base} {abstract} {primitive_system_type(name, sd, definitions)} " \
                 f"{primitive_kind(name, definitions)}"
    else:
        header = f"T {name} {KIND_CODES[kind]} {base} {abstract} - -"
    backbones = []
    out.append(header)
    for element in children.get(root, []):
        line = element_line(element, children, kind, version, backbones)
        if kind == "primitive-type" and element["path"] == root + ".value":
            # positiveInt and unsignedInt say System.String here although their values are integers.
            fields = line.split(" ")
            fields[-1] = primitive_system_type(name, sd, definitions)
            line = " ".join(fields)
        out.append(line)
    # Backbone elements follow their owner, depth first, in definition order.
    while backbones:
        path, declared_type = backbones.pop(0)
        out.append(f"T {name_for_backbone(path, root, name)} b {declared_type} 0 - -")
        nested = []
        for element in children.get(path, []):
            out.append(element_line(element, children, kind, version, nested))
        backbones[0:0] = nested


def name_for_backbone(path, root, name):
    # Type names use the structure's name; the snapshot's root path is the same except for constraints.
    return name + path[len(root):]


def element_line(element, children, owner_kind, version, backbones):
    path = element["path"]
    segment = path.rsplit(".", 1)[1]
    max_value = element["max"]
    base_max = element.get("base", {}).get("max", max_value)
    representation = "-"
    for code in element.get("representation", []):
        if code not in REPRESENTATION_CODES:
            sys.exit(f"unknown representation {code} at {path}")
        representation = REPRESENTATION_CODES[code]
    if "contentReference" in element:
        types = ["#" + element["contentReference"].split("#", 1)[1]]
    elif path in children:
        declared = [t["code"] for t in element.get("type", [])]
        if len(declared) != 1 or declared[0] not in ("BackboneElement", "Element"):
            sys.exit(f"{path} has children but is typed {declared}")
        types = [path]
        backbones.append((path, declared[0]))
    else:
        types = [type_code(element, t, owner_kind, version) for t in element.get("type", [])]
        if not types:
            sys.exit(f"{path} has no type")
    for field in [segment, max_value, base_max] + types:
        if " " in field or "\n" in field:
            sys.exit(f"{path}: a space in {field!r} would break the table")
    return (f"E {segment} {element['min']} {max_value} {'=' if base_max == max_value else base_max} "
            f"{representation} {','.join(types)}")


def generate(version, shared, out_dir):
    relative, number = SOURCES[version]
    archive = os.path.join(shared, relative)
    definitions = load_structure_definitions(archive)
    lines = []
    selected = sorted(definitions)
    for name in selected:
        emit_structure(definitions[name], definitions, version, lines)
    table = "\n".join(lines)
    if '"""#' in table:
        sys.exit("the table contains the raw string terminator")
    upper = version.upper()
    swift = (
        f"// Generated by Sources/FHIRModel/Definitions/Generator/generate-definitions.py from {os.path.basename(relative)} (FHIR {number}).\n"
        f"// Do not edit: run the script again (see docs/definitions.md).\n"
        f"// {len(selected)} structures, {sum(1 for l in lines if l.startswith('T '))} types with backbone elements, "
        f"{sum(1 for l in lines if l.startswith('E '))} elements.\n\n"
        f"extension FHIRDefinitionTables {{\n"
        f"    static let {version}: String = #\"\"\"\n{table}\n\"\"\"#\n"
        f"}}\n"
    )
    path = os.path.join(out_dir, f"{upper}Definitions.generated.swift")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(swift)
    print(f"{path}: {len(selected)} structures, {len(lines)} lines, {len(swift)} bytes")


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))  # the package root
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=os.environ.get("IMMPORT_SHARED_DIR", os.path.join(root, "..", "shared")))
    parser.add_argument("--out", default=os.path.join(root, "Sources", "FHIRModel", "Definitions", "Generated"))
    parser.add_argument("versions", nargs="*", help="r4, r5 (default: both)")
    args = parser.parse_args()
    for version in args.versions:
        if version not in SOURCES:
            parser.error(f"unknown version {version!r}: expected r4 or r5")
    os.makedirs(args.out, exist_ok=True)
    for version in args.versions or ["r4", "r5"]:
        generate(version, args.shared, args.out)


if __name__ == "__main__":
    main()
