/// The strict reader behind `UCUMUnit`: UCUM's grammar (§2) by recursive descent over the code's scalars.
///
///     main-term   := "/" term | term
///     term        := component (("." | "/") component)*
///     component   := "(" term ")" | annotation | factor | simple-unit exponent? annotation?
///     simple-unit := ATOM | PREFIX METRIC-ATOM
struct UCUMUnitParser {
    struct Result {
        var factor: Double
        var dimension: UCUMDimension
        var specialAtom: String?
    }

    let code: String
    let scalars: [Unicode.Scalar]
    var position = 0
    var specialAtom: String?
    var components = 0
    let table = UCUMAtomTable.shared

    init(_ code: String) {
        self.code = code
        scalars = Array(code.unicodeScalars)
    }

    mutating func parse() throws(UCUMUnitError) -> Result {
        guard !scalars.isEmpty else { throw error("an empty text is not a unit (unity is 1)", at: nil) }
        var result = Result(factor: 1, dimension: .none)
        if scalars[0] == "/" {
            position = 1
            let term = try parseTerm()
            result = Result(factor: 1 / term.factor, dimension: UCUMDimension.none.multiplied(by: term.dimension, power: -1))
        } else {
            result = try parseTerm()
        }
        if position < scalars.count {
            throw error("unexpected '\(scalars[position])'", at: position)
        }
        if let special = specialAtom {
            guard components == 1 else {
                throw error("\(special) is a special unit and cannot be combined with other units", at: nil)
            }
            result.specialAtom = special
        }
        guard result.factor.isFinite, result.factor != 0 else { throw error("the unit's magnitude is out of range", at: nil) }
        return result
    }

    mutating func parseTerm() throws(UCUMUnitError) -> Result {
        var result = try parseComponent()
        while position < scalars.count, scalars[position] == "." || scalars[position] == "/" {
            let dividing = scalars[position] == "/"
            position += 1
            let next = try parseComponent()
            result.factor = dividing ? result.factor / next.factor : result.factor * next.factor
            result.dimension = result.dimension.multiplied(by: next.dimension, power: dividing ? -1 : 1)
        }
        return result
    }

    mutating func parseComponent() throws(UCUMUnitError) -> Result {
        guard position < scalars.count else {
            let after = position > 0 ? " after '\(scalars[position - 1])'" : ""
            throw error("a unit is missing\(after)", at: position)
        }
        components += 1
        let start = position
        switch scalars[position] {
        case "(":
            position += 1
            let inner = try parseTerm()
            guard position < scalars.count, scalars[position] == ")" else {
                throw error("'(' at \(start + 1) is not closed", at: start)
            }
            position += 1
            return inner
        case "{":
            try skipAnnotation()
            return Result(factor: 1, dimension: .none)
        case ".", "/":
            throw error("a unit is missing before '\(scalars[position])'", at: position)
        case ")", "}", "]":
            throw error("unexpected '\(scalars[position])'", at: position)
        default:
            break
        }
        let symbolEnd = try scanSymbol()
        let text = scalars[start..<symbolEnd]
        // A component of digits only is a factor (`/24`); otherwise trailing digits, with their sign, are the
        // exponent (`m2`, `s-1`, `10*-3`): no atom ends with a digit outside brackets.
        if text.allSatisfy(Self.isDigit) {
            guard let factor = Double(String(String.UnicodeScalarView(text))) else {
                throw error("the number \(String(String.UnicodeScalarView(text))) is out of range", at: start)
            }
            if position < scalars.count, scalars[position] == "{" {
                throw error("an annotation belongs to a unit, not to the number \(String(String.UnicodeScalarView(text)))", at: position)
            }
            return Result(factor: factor, dimension: .none)
        }
        var symbolEndIndex = symbolEnd
        while symbolEndIndex > start, Self.isDigit(scalars[symbolEndIndex - 1]) { symbolEndIndex -= 1 }
        var exponent = 1
        if symbolEndIndex < symbolEnd {
            var exponentStart = symbolEndIndex
            if exponentStart > start, scalars[exponentStart - 1] == "-" || scalars[exponentStart - 1] == "+" { exponentStart -= 1 }
            guard exponentStart > start else {
                throw error("a number cannot have a sign; only an exponent after a unit can", at: start)
            }
            let exponentText = String(String.UnicodeScalarView(scalars[exponentStart..<symbolEnd]))
            guard let value = Int(exponentText), abs(value) <= 99 else {
                throw error("the exponent \(exponentText) is out of range", at: exponentStart)
            }
            exponent = value
            symbolEndIndex = exponentStart
        }
        let symbol = String(String.UnicodeScalarView(scalars[start..<symbolEndIndex]))
        let atom = try resolve(symbol, at: start)
        if position < scalars.count, scalars[position] == "{" { try skipAnnotation() }
        if atom.special {
            if exponent != 1 { throw error("\(symbol) is a special unit and takes no exponent", at: symbolEndIndex) }
            specialAtom = symbol
            return Result(factor: 1, dimension: atom.dimension)
        }
        var factor = 1.0
        for _ in 0..<abs(exponent) { factor *= atom.factor }
        if exponent < 0 { factor = 1 / factor }
        return Result(factor: factor, dimension: UCUMDimension.none.multiplied(by: atom.dimension, power: exponent))
    }

    /// The end of a symbol (with its exponent): the next `.`, `/`, `(`, `)` or `{` outside square brackets.
    mutating func scanSymbol() throws(UCUMUnitError) -> Int {
        var depth = 0
        var bracketStart = 0
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                throw error("UCUM units contain no white space", at: position)
            }
            guard scalar.value >= 33, scalar.value <= 126 else {
                throw error("'\(scalar)' is not allowed: UCUM units are printable ASCII", at: position)
            }
            if scalar == "[" {
                if depth == 0 { bracketStart = position }
                depth += 1
            } else if scalar == "]" {
                guard depth > 0 else { throw error("']' has no '['", at: position) }
                depth -= 1
            } else if depth == 0, scalar == "." || scalar == "/" || scalar == "(" || scalar == ")" || scalar == "{" {
                break
            } else if scalar == "}" {
                throw error("'}' has no '{'", at: position)
            }
            position += 1
        }
        if depth > 0 { throw error("'[' at \(bracketStart + 1) is not closed", at: bracketStart) }
        return position
    }

    /// `{...}`: printable ASCII without braces.
    mutating func skipAnnotation() throws(UCUMUnitError) {
        let start = position
        position += 1
        while position < scalars.count, scalars[position] != "}" {
            let scalar = scalars[position]
            guard scalar.value >= 32, scalar.value <= 126, scalar != "{" else {
                throw error("'\(scalar)' is not allowed in an annotation", at: position)
            }
            position += 1
        }
        guard position < scalars.count else { throw error("'{' at \(start + 1) is not closed", at: start) }
        position += 1
    }

    struct ResolvedAtom {
        var factor: Double
        var dimension: UCUMDimension
        var special: Bool
    }

    /// An atom, or a prefix and a metric atom; an atom wins over a prefixed reading (`Pa` is pascal, `cd` candela).
    func resolve(_ symbol: String, at offset: Int) throws(UCUMUnitError) -> ResolvedAtom {
        if symbol.isEmpty { throw error("a unit is missing", at: offset) }
        if let atom = table.atoms[symbol] { return ResolvedAtom(atom) }
        for length in [2, 1] where symbol.unicodeScalars.count > length {
            let prefix = String(symbol.unicodeScalars.prefix(length))
            let rest = String(symbol.unicodeScalars.dropFirst(length))
            guard let prefixFactor = table.prefixes[prefix], let atom = table.atoms[rest] else { continue }
            guard atom.isMetric else {
                throw error("\(rest) (\(atom.name)) is not a metric unit and takes no prefix", at: offset)
            }
            var resolved = ResolvedAtom(atom)
            resolved.factor *= prefixFactor
            return resolved
        }
        throw error("unknown unit '\(symbol)'", at: offset)
    }

    func error(_ reason: String, at offset: Int?) -> UCUMUnitError {
        UCUMUnitError(.notUCUM, unit: code, reason: reason, offset: offset)
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 48 && scalar.value <= 57 }
}

extension UCUMUnitParser.ResolvedAtom {
    init(_ atom: UCUMAtomTable.Atom) {
        self.init(factor: atom.factor ?? 1, dimension: atom.dimension, special: atom.isSpecial)
    }
}
