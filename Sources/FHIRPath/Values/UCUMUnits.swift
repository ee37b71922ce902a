/// A small UCUM reader for the common units: metric prefixes, base and derived units of mass, length, volume,
/// time, amount and pressure, products (`.`), quotients (`/`), integer exponents and `{annotations}`. Enough to
/// compare `1 'g'` with `1000 'mg'` or `mg/dL` with `g/L`; special units with offsets (Cel, [degF]) are not
/// converted.
enum UCUMUnits {
    struct Canonical: Equatable {
        var factor: Double
        /// Exponents of m, g, s, K, mol, A, cd.
        var dimensions: [Int]
    }

    private static let atoms: [String: (Double, [Int])] = [
        "1": (1, [0, 0, 0, 0, 0, 0, 0]),
        "%": (0.01, [0, 0, 0, 0, 0, 0, 0]),
        "m": (1, [1, 0, 0, 0, 0, 0, 0]),
        "g": (1, [0, 1, 0, 0, 0, 0, 0]),
        "s": (1, [0, 0, 1, 0, 0, 0, 0]),
        "K": (1, [0, 0, 0, 1, 0, 0, 0]),
        "mol": (6.0221367e23, [0, 0, 0, 0, 0, 0, 0]),
        "A": (1, [0, 0, 0, 0, 0, 1, 0]),
        "cd": (1, [0, 0, 0, 0, 0, 0, 1]),
        "min": (60, [0, 0, 1, 0, 0, 0, 0]),
        "h": (3600, [0, 0, 1, 0, 0, 0, 0]),
        "d": (86400, [0, 0, 1, 0, 0, 0, 0]),
        "wk": (604800, [0, 0, 1, 0, 0, 0, 0]),
        "a": (31_557_600, [0, 0, 1, 0, 0, 0, 0]),
        "mo": (2_629_800, [0, 0, 1, 0, 0, 0, 0]),
        "L": (0.001, [3, 0, 0, 0, 0, 0, 0]),
        "l": (0.001, [3, 0, 0, 0, 0, 0, 0]),
        "[in_i]": (0.0254, [1, 0, 0, 0, 0, 0, 0]),
        "[ft_i]": (0.3048, [1, 0, 0, 0, 0, 0, 0]),
        "[mi_i]": (1609.344, [1, 0, 0, 0, 0, 0, 0]),
        "[lb_av]": (453.59237, [0, 1, 0, 0, 0, 0, 0]),
        "[oz_av]": (28.349523125, [0, 1, 0, 0, 0, 0, 0]),
        "t": (1e6, [0, 1, 0, 0, 0, 0, 0]),
        "Pa": (1000, [-1, 1, -2, 0, 0, 0, 0]),
        "bar": (1e8, [-1, 1, -2, 0, 0, 0, 0]),
        "mm[Hg]": (133_322.387415, [-1, 1, -2, 0, 0, 0, 0]),
        "N": (1000, [1, 1, -2, 0, 0, 0, 0]),
        "J": (1000, [2, 1, -2, 0, 0, 0, 0]),
        "cal": (4184, [2, 1, -2, 0, 0, 0, 0]),
        "W": (1000, [2, 1, -3, 0, 0, 0, 0]),
        "Hz": (1, [0, 0, -1, 0, 0, 0, 0]),
        "U": (1e-6 * 6.0221367e23 / 60, [0, 0, -1, 0, 0, 0, 0]),
        "[iU]": (1, [0, 0, 0, 0, 0, 0, 0]),
        "[IU]": (1, [0, 0, 0, 0, 0, 0, 0]),
        "eq": (6.0221367e23, [0, 0, 0, 0, 0, 0, 0]),
        "kat": (6.0221367e23, [0, 0, -1, 0, 0, 0, 0]),
        "[pi]": (Double.pi, [0, 0, 0, 0, 0, 0, 0]),
        "deg": (Double.pi / 180, [0, 0, 0, 0, 0, 0, 0]),
        "10*3": (1e3, [0, 0, 0, 0, 0, 0, 0]),
        "10*6": (1e6, [0, 0, 0, 0, 0, 0, 0]),
        "10*9": (1e9, [0, 0, 0, 0, 0, 0, 0]),
        "10*12": (1e12, [0, 0, 0, 0, 0, 0, 0]),
    ]

    private static let prefixes: [(String, Double)] = [
        ("da", 1e1), ("Y", 1e24), ("Z", 1e21), ("E", 1e18), ("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6),
        ("k", 1e3), ("h", 1e2), ("d", 1e-1), ("c", 1e-2), ("m", 1e-3), ("u", 1e-6), ("n", 1e-9), ("p", 1e-12),
        ("f", 1e-15), ("a", 1e-18),
    ]

    static func canonical(_ unit: String) -> Canonical? {
        var result = Canonical(factor: 1, dimensions: [0, 0, 0, 0, 0, 0, 0])
        var text = Substring(unit)
        var dividing = false
        if text.hasPrefix("/") {
            dividing = true
            text = text.dropFirst()
        }
        while !text.isEmpty {
            // The next term ends at `.` or `/` outside brackets and braces.
            var depth = 0
            var end = text.startIndex
            while end < text.endIndex {
                let c = text[end]
                if c == "[" || c == "{" { depth += 1 }
                if c == "]" || c == "}" { depth -= 1 }
                if depth == 0 && (c == "." || c == "/") { break }
                end = text.index(after: end)
            }
            let term = text[text.startIndex..<end]
            guard let t = canonicalTerm(term) else { return nil }
            let sign = dividing ? -1 : 1
            result.factor = dividing ? result.factor / t.factor : result.factor * t.factor
            for i in 0..<7 { result.dimensions[i] += sign * t.dimensions[i] }
            if end < text.endIndex {
                dividing = text[end] == "/"
                text = text[text.index(after: end)...]
            } else {
                text = text[end...]
            }
        }
        return result
    }

    private static func canonicalTerm(_ term: Substring) -> Canonical? {
        if term.hasPrefix("{") && term.hasSuffix("}") { return Canonical(factor: 1, dimensions: [0, 0, 0, 0, 0, 0, 0]) }
        var body = term
        if let brace = body.firstIndex(of: "{") { body = body[..<brace] }
        // Trailing exponent.
        var exponent = 1
        if !body.hasSuffix("]"), let last = body.lastIndex(where: { !($0.isNumber || $0 == "-" || $0 == "+") }) {
            let digits = body[body.index(after: last)...]
            if !digits.isEmpty, let e = Int(digits), !body.hasPrefix("10*") {
                exponent = e
                body = body[...last]
            }
        } else if body.allSatisfy(\.isNumber), let n = Double(body) {
            return Canonical(factor: n, dimensions: [0, 0, 0, 0, 0, 0, 0])
        }
        guard let base = atom(String(body)) else { return nil }
        return Canonical(factor: pow(base.factor, exponent), dimensions: base.dimensions.map { $0 * exponent })
    }

    private static func pow(_ x: Double, _ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<abs(n) { r *= x }
        return n < 0 ? 1 / r : r
    }

    private static func atom(_ name: String) -> Canonical? {
        if let (f, d) = atoms[name] { return Canonical(factor: f, dimensions: d) }
        for (prefix, factor) in prefixes where name.hasPrefix(prefix) {
            let rest = String(name.dropFirst(prefix.count))
            if let (f, d) = atoms[rest], rest != "1", rest != "%" {
                return Canonical(factor: f * factor, dimensions: d)
            }
        }
        return nil
    }
}
