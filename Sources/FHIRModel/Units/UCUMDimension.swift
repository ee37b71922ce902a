/// What kind of quantity a UCUM unit measures: exponents of UCUM's seven base units (m, s, g, rad, K, C, cd) and of
/// the arbitrary units it involves. Two units are commensurable when their dimensions are equal. Arbitrary units
/// (`[IU]`, `[arb'U]`, ...) are each a kind of their own (UCUM: they are not defined in terms of other units), so
/// `[IU]/mL` converts to `[IU]/L` but not to `/mL` or `[arb'U]/mL`.
public struct UCUMDimension: Sendable, Hashable, CustomStringConvertible {
    public static let baseUnits = ["m", "s", "g", "rad", "K", "C", "cd"]

    /// Exponents of `baseUnits`, in that order.
    public private(set) var exponents: [Int]
    /// Exponents of arbitrary units, by the code of the arbitrary unit the others are multiples of (`[iU]` for
    /// `[IU]`); never holds a zero.
    public private(set) var arbitrary: [String: Int]

    public static let none = UCUMDimension(exponents: [0, 0, 0, 0, 0, 0, 0], arbitrary: [:])

    init(exponents: [Int], arbitrary: [String: Int]) {
        precondition(exponents.count == Self.baseUnits.count)
        self.exponents = exponents
        self.arbitrary = arbitrary
    }

    public var isDimensionless: Bool { exponents.allSatisfy { $0 == 0 } && arbitrary.isEmpty }

    func multiplied(by other: UCUMDimension, power: Int) -> UCUMDimension {
        var result = self
        for index in exponents.indices { result.exponents[index] += other.exponents[index] * power }
        for (name, exponent) in other.arbitrary {
            let sum = (result.arbitrary[name] ?? 0) + exponent * power
            result.arbitrary[name] = sum == 0 ? nil : sum
        }
        return result
    }

    /// The canonical unit as UCUM text: base units in UCUM's order, then arbitrary units by code, those with a
    /// positive exponent first (`g.m-3`, `[iU].m-3`, `m-3.s-1`); `1` when dimensionless.
    public var canonicalUnit: String {
        var terms = zip(Self.baseUnits, exponents).filter { $0.1 != 0 }.map { ($0.0, $0.1) }
        terms += arbitrary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let ordered = terms.filter { $0.1 > 0 } + terms.filter { $0.1 < 0 }
        guard !ordered.isEmpty else { return "1" }
        return ordered.map { $0.1 == 1 ? $0.0 : "\($0.0)\($0.1)" }.joined(separator: ".")
    }

    public var description: String { canonicalUnit }
}
