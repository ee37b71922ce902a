/// A unit read strictly from its UCUM case-sensitive code (https://ucum.org/ucum, §2-§5): terms joined by `.` and
/// `/` (left to right: `a/b.c` is a·c/b), a leading `/`, parentheses, integer exponents (`m2`, `s-1`, `10*-3`),
/// integer factors (`/24`), `{annotations}` (which count as 1: `{cells}/uL` is `/uL`), prefixes on metric atoms
/// only, and the atoms of the official UCUM essence (`Generated/`). Anything else is refused with a reason; no
/// spelling is guessed (`UCUMFreeTextUnit` is the separate, lenient reading of units people write).
///
/// FHIRPath's quantity comparisons and the bridge's `ucum` transform both read units through this one reader.
public struct UCUMUnit: Sendable, Hashable, CustomStringConvertible {
    /// The code as written.
    public let code: String
    /// How many of the canonical unit (`dimension.canonicalUnit`) one of this unit is; not meaningful for a
    /// special unit.
    public let factor: Double
    public let dimension: UCUMDimension
    /// The special atom the unit is (`Cel`, `[degF]`, `[pH]`, possibly prefixed), which has no factor: converting
    /// it is refused.
    public let specialAtom: String?

    public init(_ code: String) throws(UCUMUnitError) {
        var parser = UCUMUnitParser(code)
        let parsed = try parser.parse()
        self.code = code
        factor = parsed.factor
        dimension = parsed.dimension
        specialAtom = parsed.specialAtom
    }

    /// The canonical unit: UCUM base units and arbitrary units (`g.m-3` for `mg/dL`).
    public var canonicalUnit: String { dimension.canonicalUnit }

    public var description: String { code }

    /// The number a value in this unit is multiplied by to give the value in `target`: refused for special units
    /// and for units of different kinds.
    public func factor(to target: UCUMUnit) throws(UCUMUnitError) -> Double {
        for unit in [self, target] {
            if let special = unit.specialAtom {
                throw UCUMUnitError.special(special, in: unit.code)
            }
        }
        guard dimension == target.dimension else {
            throw UCUMUnitError(
                .notCommensurable, unit: code,
                reason: "not the same kind of quantity (\(canonicalUnit) against \(target.canonicalUnit))")
        }
        return factor / target.factor
    }

    /// The number a value in this unit is multiplied by to give the value in the canonical unit.
    public func canonicalFactor() throws(UCUMUnitError) -> Double {
        if let special = specialAtom {
            throw UCUMUnitError.special(special, in: code)
        }
        return factor
    }
}

extension UCUMUnitError {
    static func special(_ atom: String, in unit: String) -> UCUMUnitError {
        UCUMUnitError(
            .special, unit: unit,
            reason: "\(atom) is a special unit (a scale with an offset or a function, not a multiple of a unit); it is not converted")
    }
}
