/// The lenient reading of units people write in free text (`mcg/mL`, `IU/mL`, `x10E3/uL`, `cells/uL`), as a
/// separate step before the strict `UCUMUnit` reader: a text that is already UCUM is read as it is; otherwise a
/// fixed list of rewrites is applied once, and the result must be strict UCUM. Nothing else is guessed: a text
/// the rewrites do not make UCUM is refused with the strict reader's reason. docs/mappings.md lists the rewrites:
///
/// - white space around the text is dropped;
/// - `μ` (Greek mu) and `µ` (micro sign) -> `u`; the word `mcg` -> `ug`;
/// - `IU`, alone or after a prefix, outside brackets -> `[IU]` (`mIU/mL` -> `m[IU]/mL`);
/// - a power of ten `10^N`, `x10^N`, `×10^N`, `*10^N`, `10EN`, `x10EN` -> `10*N` (N an integer);
/// - the words `cells` and `spots` -> the annotations `{cells}`, `{spots}` (which count as 1);
/// - the words `units` and `Units` -> `U` (the enzyme unit);
/// - white space between a power of ten and what follows -> `.` (`10^3 cells/uL` -> `10*3.{cells}/uL`).
///
/// `ml`, `dl`, `ug/ml` need no rewrite: `l` is a UCUM atom as well as `L`.
public enum UCUMFreeTextUnit {
    /// The unit the text means, read strictly first and then after the rewrites.
    public static func read(_ text: String) throws(UCUMUnitError) -> UCUMUnit {
        let trimmed = trimmed(text)
        if let unit = try? UCUMUnit(trimmed) { return unit }
        let rewritten = rewritten(trimmed)
        do {
            return try UCUMUnit(rewritten)
        } catch {
            guard rewritten != trimmed else { throw error }
            var explained = error
            explained.unit = text
            explained.reason = "read as '\(rewritten)': \(error.reason)"
            throw explained
        }
    }

    /// The text after the rewrites (without trimming); a text with nothing to rewrite comes back unchanged.
    public static func rewritten(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        var depth = 0  // inside [...] or {...}: nothing is rewritten
        var afterPowerOfTen = false
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "[" || scalar == "{" { depth += 1 }
            if (scalar == "]" || scalar == "}") && depth > 0 { depth -= 1 }
            if depth > 0 || scalar == "[" || scalar == "{" {
                out.append(scalar)
                index += 1
                afterPowerOfTen = false
                continue
            }
            if isSpace(scalar) {
                var next = index
                while next < scalars.count, isSpace(scalars[next]) { next += 1 }
                if afterPowerOfTen, next < scalars.count, !isOperator(scalars[next]) {
                    out.append(".")
                } else {
                    out.append(contentsOf: scalars[index..<next])
                }
                index = next
                afterPowerOfTen = false
                continue
            }
            let atTokenStart = index == 0 || isOperator(scalars[index - 1]) || isSpace(scalars[index - 1])
            if atTokenStart, let (exponent, end) = powerOfTen(scalars, at: index) {
                out.append(contentsOf: "10*\(exponent)".unicodeScalars)
                index = end
                afterPowerOfTen = true
                continue
            }
            afterPowerOfTen = false
            if isLetter(scalar) {
                var end = index
                while end < scalars.count, isLetter(scalars[end]) { end += 1 }
                let word = String(String.UnicodeScalarView(scalars[index..<end]))
                out.append(contentsOf: rewrittenWord(word).unicodeScalars)
                index = end
                continue
            }
            out.append(scalar)
            index += 1
        }
        return String(out)
    }

    static func rewrittenWord(_ word: String) -> String {
        let micro = String(word.unicodeScalars.map { $0 == "\u{03BC}" || $0 == "\u{00B5}" ? "u" : Character($0) })
        switch micro {
        case "mcg": return "ug"
        case "cells", "spots": return "{\(micro)}"
        case "units", "Units": return "U"
        default: break
        }
        if micro.hasSuffix("IU") {
            let prefix = String(micro.dropLast(2))
            if prefix.isEmpty || UCUMAtomTable.shared.prefixes[prefix] != nil { return prefix + "[IU]" }
        }
        return micro
    }

    /// `10^N`, `10EN` with an optional `x`, `X`, `×` or `*` before: the exponent and where the match ends.
    static func powerOfTen(_ scalars: [Unicode.Scalar], at start: Int) -> (Int, Int)? {
        var index = start
        if index < scalars.count, ["x", "X", "\u{00D7}", "*"].contains(scalars[index]) { index += 1 }
        guard index + 2 < scalars.count, scalars[index] == "1", scalars[index + 1] == "0",
            ["^", "E", "e"].contains(scalars[index + 2])
        else { return nil }
        index += 3
        let signStart = index
        if index < scalars.count, scalars[index] == "-" || scalars[index] == "+" { index += 1 }
        let digitsStart = index
        while index < scalars.count, UCUMUnitParser.isDigit(scalars[index]) { index += 1 }
        guard index > digitsStart, let exponent = Int(String(String.UnicodeScalarView(scalars[signStart..<index]))) else {
            return nil
        }
        return (exponent, index)
    }

    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(scalars[first...last])
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }
    static func isOperator(_ scalar: Unicode.Scalar) -> Bool { scalar == "/" || scalar == "." || scalar == "(" || scalar == ")" }
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isAlphabetic }
}
