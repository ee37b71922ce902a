#!/usr/bin/env python3
"""Generates FHIRModel's UCUM atom table from the official UCUM essence (ucum-essence.xml).

Every unit of the essence is resolved, through the definitions it is written in, to a factor times UCUM's seven base
units (m, s, g, rad, K, C, cd) with exact fractions, then written as a compact text table in a raw string literal that
UCUMAtomTable parses once at first use (Swift's type checker is slow on large dictionary literals).

The essence is not committed: get it from the UCUM organisation's repository (https://github.com/ucum-org/ucum,
file ucum-essence.xml, version 2.2 of 2024-06-17 for the committed table) and run, from the package root
(python3 standard library only):
    Sources/FHIRModel/Units/Generator/generate-ucum-table.py PATH/TO/ucum-essence.xml [--out Sources/FHIRModel/Units/Generated]

Table format (one record a line, fields separated by a tab):
    P <code> <factor>
    U <code> <factor> <exponents> <flags> <arbitrary> <name>
factor: a Swift Double literal (`-` for a special unit, whose value is a function, not a factor).
exponents: of m, s, g, rad, K, C, cd, comma-separated.  flags: M metric (takes prefixes), S special, A arbitrary,
`-` for none.  arbitrary: for an arbitrary unit, the arbitrary unit it is a multiple of (its own code for a root,
`[iU]` for `[IU]`): arbitrary units are commensurable only with multiples of the same root; `-` otherwise.
"""

import argparse
import os
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction

NS = {"u": "http://unitsofmeasure.org/ucum-essence"}
BASES = ["m", "s", "g", "rad", "K", "C", "cd"]


class Quantity:
    def __init__(self, factor, exponents, arbitrary=None):
        self.factor = factor
        self.exponents = exponents
        self.arbitrary = arbitrary or {}

    def times(self, other, sign):
        arbitrary = dict(self.arbitrary)
        for name, power in other.arbitrary.items():
            arbitrary[name] = arbitrary.get(name, 0) + sign * power
            if arbitrary[name] == 0:
                del arbitrary[name]
        factor = self.factor * other.factor if sign > 0 else self.factor / other.factor
        return Quantity(factor, [a + sign * b for a, b in zip(self.exponents, other.exponents)], arbitrary)

    def power(self, n):
        return Quantity(self.factor ** n, [e * n for e in self.exponents], {k: v * n for k, v in self.arbitrary.items()})


ONE = Quantity(Fraction(1), [0] * 7)


class Essence:
    def __init__(self, root):
        self.prefixes = {}
        for prefix in root.findall("u:prefix", NS):
            self.prefixes[prefix.get("Code")] = Fraction(prefix.find("u:value", NS).get("value"))
        self.units = {}
        self.order = []
        for base in root.findall("u:base-unit", NS):
            code = base.get("Code")
            self.units[code] = ("base", base)
            self.order.append(code)
        for unit in root.findall("u:unit", NS):
            code = unit.get("Code")
            self.units[code] = ("unit", unit)
            self.order.append(code)
        self.resolved = {}

    def is_metric(self, code):
        kind, element = self.units[code]
        return kind == "base" or element.get("isMetric") == "yes"

    def resolve(self, code):
        """The unit as a Quantity of base units; special units resolve to their function's unit (factor None)."""
        if code in self.resolved:
            return self.resolved[code]
        kind, element = self.units[code]
        if kind == "base":
            exponents = [0] * 7
            exponents[BASES.index(code)] = 1
            result = Quantity(Fraction(1), exponents)
        else:
            value = element.find("u:value", NS)
            function = value.find("u:function", NS)
            if element.get("isSpecial") == "yes":
                inner = self.parse(function.get("Unit"))
                result = Quantity(None, inner.exponents, inner.arbitrary)
            elif element.get("isArbitrary") == "yes":
                of = value.get("Unit")
                if of == "1":
                    result = Quantity(Fraction(1), [0] * 7, {code: 1})
                else:
                    inner = self.parse(of)
                    result = Quantity(inner.factor * Fraction(value.get("value")), inner.exponents, inner.arbitrary)
            else:
                inner = self.parse(value.get("Unit"))
                result = Quantity(inner.factor * Fraction(value.get("value")), inner.exponents, inner.arbitrary)
        self.resolved[code] = result
        return result

    # A small parser for the definitions the essence is written in: terms with `.` and `/`, integer exponents,
    # numbers, prefixes. The Swift reader is the strict one; this only needs to read the essence correctly.
    def parse(self, text):
        result = ONE
        sign = 1
        i = 0
        if text.startswith("/"):
            sign, i = -1, 1
        while i < len(text):
            depth, j = 0, i
            while j < len(text):
                c = text[j]
                if c == "[":
                    depth += 1
                elif c == "]":
                    depth -= 1
                elif depth == 0 and c in "./":
                    break
                j += 1
            result = result.times(self.component(text[i:j]), sign)
            if j < len(text):
                sign = -1 if text[j] == "/" else 1
            i = j + 1
        return result

    def component(self, text):
        if text.isdigit():
            return Quantity(Fraction(int(text)), [0] * 7)
        end = len(text)
        while end > 0 and text[end - 1].isdigit():
            end -= 1
        if end > 0 and text[end - 1] in "+-":
            end -= 1
        symbol, exponent = text[:end], int(text[end:]) if end < len(text) else 1
        return self.symbol(symbol).power(exponent)

    def symbol(self, symbol):
        if symbol in self.units:
            return self.resolve(symbol)
        for prefix in sorted(self.prefixes, key=len, reverse=True):
            rest = symbol[len(prefix):]
            if symbol.startswith(prefix) and rest in self.units and self.is_metric(rest):
                unit = self.resolve(rest)
                return Quantity(unit.factor * self.prefixes[prefix], unit.exponents, unit.arbitrary)
        raise ValueError(f"cannot read unit symbol {symbol!r}")


def double_literal(value):
    text = repr(float(value))
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("essence")
    parser.add_argument("--out", default="Sources/FHIRModel/Units/Generated")
    args = parser.parse_args()
    root = ET.parse(args.essence).getroot()
    essence = Essence(root)
    lines = []
    for code, factor in essence.prefixes.items():
        lines.append(f"P\t{code}\t{double_literal(factor)}")
    for code in essence.order:
        kind, element = essence.units[code]
        quantity = essence.resolve(code)
        flags = ""
        if essence.is_metric(code):
            flags += "M"
        if kind == "unit" and element.get("isSpecial") == "yes":
            flags += "S"
        if kind == "unit" and element.get("isArbitrary") == "yes":
            flags += "A"
            if len(quantity.arbitrary) != 1:
                raise ValueError(f"arbitrary unit {code} is not a multiple of one arbitrary unit")
        elif quantity.arbitrary:
            raise ValueError(f"unit {code} is defined through an arbitrary unit")
        arbitrary = next(iter(quantity.arbitrary)) if quantity.arbitrary else "-"
        factor = "-" if quantity.factor is None else double_literal(quantity.factor)
        exponents = ",".join(str(e) for e in quantity.exponents)
        name = " ".join(element.find("u:name", NS).text.split()) if element.find("u:name", NS) is not None else code
        for field in (code, name):
            if "\t" in field or "\n" in field or '"""#' in field:
                raise ValueError(f"unit {code} cannot be written in the table")
        lines.append(f"U\t{code}\t{factor}\t{exponents}\t{flags or '-'}\t{arbitrary}\t{name}")
    version = root.get("version")
    date = root.get("revision-date")
    out = os.path.join(args.out, "UCUMEssence.generated.swift")
    with open(out, "w", encoding="utf-8") as file:
        file.write(
            "// Generated by Sources/FHIRModel/Units/Generator/generate-ucum-table.py from ucum-essence.xml"
            f" (UCUM {version}, {date}).\n"
            "// Do not edit: run the script again. The Unified Code for Units of Measure is copyright Regenstrief\n"
            "// Institute, Inc. (https://ucum.org), used under the UCUM Copyright Notice and License.\n"
            f"// {len(essence.prefixes)} prefixes, {len(essence.order)} units.\n\n"
            "extension UCUMAtomTable {\n"
            '    static let essence: String = #"""\n'
        )
        for line in lines:
            file.write(line + "\n")
        file.write('"""#\n}\n')
    print(f"wrote {out}: {len(essence.prefixes)} prefixes, {len(essence.order)} units", file=sys.stderr)


if __name__ == "__main__":
    main()
