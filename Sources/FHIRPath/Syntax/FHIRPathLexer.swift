/// Splits an expression into tokens. Works on Unicode scalars so that columns count characters.
struct FHIRPathLexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var line = 1
    private var lineStart = 0

    init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    static func tokenize(_ source: String) throws -> [FHIRPathToken] {
        var lexer = FHIRPathLexer(source)
        var tokens: [FHIRPathToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let i = position + ahead
        return i < scalars.count ? scalars[i] : nil
    }

    private func error(_ message: String, at offset: Int? = nil) -> FHIRPathSyntaxError {
        let at = offset ?? position
        // Recompute line and column for `at`, which may precede the current line.
        var l = 1
        var start = 0
        for i in 0..<min(at, scalars.count) where scalars[i] == "\n" {
            l += 1
            start = i + 1
        }
        return FHIRPathSyntaxError(message: message, line: l, column: at - start + 1, offset: at)
    }

    private mutating func advance() {
        if scalars[position] == "\n" {
            line += 1
            lineStart = position + 1
        }
        position += 1
    }

    private mutating func skipTrivia() throws {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\r" || c == "\n" {
                advance()
            } else if c == "/" && peek(1) == "/" {
                while let d = peek(), d != "\n" { advance() }
            } else if c == "/" && peek(1) == "*" {
                let start = position
                advance()
                advance()
                while true {
                    guard let d = peek() else { throw error("unterminated comment", at: start) }
                    if d == "*" && peek(1) == "/" {
                        advance()
                        advance()
                        break
                    }
                    advance()
                }
            } else {
                return
            }
        }
    }

    private static func isLetter(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    mutating func next() throws -> FHIRPathToken {
        try skipTrivia()
        let start = position
        let startLine = line
        let startColumn = position - lineStart + 1
        func make(_ kind: FHIRPathToken.Kind) -> FHIRPathToken {
            FHIRPathToken(
                kind: kind, range: FHIRPathSourceRange(start: start, end: position, line: startLine, column: startColumn))
        }
        guard let c = peek() else { return make(.end) }

        if FHIRPathLexer.isLetter(c) {
            var text = String.UnicodeScalarView()
            while let d = peek(), FHIRPathLexer.isLetter(d) || FHIRPathLexer.isDigit(d) {
                text.append(d)
                advance()
            }
            return make(.identifier(String(text)))
        }
        if FHIRPathLexer.isDigit(c) {
            var text = String.UnicodeScalarView()
            while let d = peek(), FHIRPathLexer.isDigit(d) {
                text.append(d)
                advance()
            }
            if peek() == ".", let d = peek(1), FHIRPathLexer.isDigit(d) {
                text.append(".")
                advance()
                while let d = peek(), FHIRPathLexer.isDigit(d) {
                    text.append(d)
                    advance()
                }
                return make(.decimal(String(text)))
            }
            if peek() == "L" {
                advance()
                return make(.long(String(text)))
            }
            return make(.integer(String(text)))
        }
        switch c {
        case "'":
            return make(.string(try readQuoted("'")))
        case "`":
            return make(.delimitedIdentifier(try readQuoted("`")))
        case "%":
            advance()
            if peek() == "`" { return make(.externalConstant(try readQuoted("`"))) }
            if peek() == "'" { return make(.externalConstant(try readQuoted("'"))) }
            var text = String.UnicodeScalarView()
            while let d = peek(), FHIRPathLexer.isLetter(d) || FHIRPathLexer.isDigit(d) {
                text.append(d)
                advance()
            }
            if text.isEmpty { throw error("expected a name after %", at: start) }
            return make(.externalConstant(String(text)))
        case "$":
            advance()
            var text = String.UnicodeScalarView()
            while let d = peek(), FHIRPathLexer.isLetter(d) {
                text.append(d)
                advance()
            }
            let name = String(text)
            guard name == "this" || name == "index" || name == "total" else {
                throw error("unknown special variable $\(name)", at: start)
            }
            return make(.special(name))
        case "@":
            advance()
            return make(try readDateTime(start: start))
        default:
            break
        }
        let two: String? = peek(1).map { String(c) + String($0) }
        if let two, ["<=", ">=", "!=", "!~"].contains(two) {
            advance()
            advance()
            return make(.symbol(two))
        }
        if "+-*/|&=~<>()[]{},.".unicodeScalars.contains(c) {
            advance()
            return make(.symbol(String(c)))
        }
        throw error("unexpected character '\(c)'")
    }

    /// Reads a quoted string or delimited identifier, applying FHIRPath's escapes.
    private mutating func readQuoted(_ quote: Unicode.Scalar) throws -> String {
        let start = position
        advance()
        var text = String.UnicodeScalarView()
        while true {
            guard let c = peek() else { throw error("unterminated \(quote == "'" ? "string" : "identifier")", at: start) }
            advance()
            if c == quote { return String(text) }
            if c == "\\" {
                guard let e = peek() else { throw error("unterminated escape", at: position) }
                advance()
                switch e {
                case "'", "\"", "`", "\\", "/": text.append(e)
                case "f": text.append("\u{0C}")
                case "n": text.append("\n")
                case "r": text.append("\r")
                case "t": text.append("\t")
                case "u":
                    var hex = ""
                    for _ in 0..<4 {
                        guard let h = peek(), h.properties.isASCIIHexDigit else {
                            throw error("invalid \\u escape", at: position)
                        }
                        hex.unicodeScalars.append(h)
                        advance()
                    }
                    guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else {
                        throw error("invalid \\u escape", at: position)
                    }
                    text.append(scalar)
                default:
                    throw error("invalid escape \\\(e)", at: position - 2)
                }
            } else {
                text.append(c)
            }
        }
    }

    private mutating func readDigits(_ count: Int) -> String? {
        var text = ""
        for i in 0..<count {
            guard let d = peek(i), FHIRPathLexer.isDigit(d) else { return nil }
            text.unicodeScalars.append(d)
        }
        for _ in 0..<count { advance() }
        return text
    }

    /// `@T` time, or `@` date with optional `T` time and timezone. Returns the text after `@`.
    private mutating func readDateTime(start: Int) throws -> FHIRPathToken.Kind {
        if peek() == "T" {
            advance()
            let time = try readTime(start: start)
            return .time(time)
        }
        guard let year = readDigits(4) else { throw error("invalid date literal", at: start) }
        var text = year
        if peek() == "-", let m = peek(1), FHIRPathLexer.isDigit(m) {
            advance()
            guard let month = readDigits(2) else { throw error("invalid month in date literal", at: start) }
            text += "-" + month
            if peek() == "-", let d = peek(1), FHIRPathLexer.isDigit(d) {
                advance()
                guard let day = readDigits(2) else { throw error("invalid day in date literal", at: start) }
                text += "-" + day
            }
        }
        if peek() == "T" {
            advance()
            text += "T"
            if let d = peek(), FHIRPathLexer.isDigit(d) {
                text += try readTime(start: start)
                text += readTimezone()
            }
        } else if text.count == 10 || text.count == 7 || text.count == 4, peek() == "Z" {
            // A timezone directly after a date (`@2012-04-15Z`) is not FHIRPath; leave it to fail in the parser.
        }
        return .dateTime(text)
    }

    private mutating func readTime(start: Int) throws -> String {
        guard let hour = readDigits(2) else { throw error("invalid time literal", at: start) }
        var text = hour
        if peek() == ":" {
            advance()
            guard let minute = readDigits(2) else { throw error("invalid minutes in time literal", at: start) }
            text += ":" + minute
            if peek() == ":" {
                advance()
                guard let second = readDigits(2) else { throw error("invalid seconds in time literal", at: start) }
                text += ":" + second
                if peek() == ".", let d = peek(1), FHIRPathLexer.isDigit(d) {
                    advance()
                    text += "."
                    while let d = peek(), FHIRPathLexer.isDigit(d) {
                        text.unicodeScalars.append(d)
                        advance()
                    }
                }
            }
        }
        return text
    }

    private mutating func readTimezone() -> String {
        if peek() == "Z" {
            advance()
            return "Z"
        }
        if let sign = peek(), sign == "+" || sign == "-",
            let h1 = peek(1), let h2 = peek(2), FHIRPathLexer.isDigit(h1), FHIRPathLexer.isDigit(h2), peek(3) == ":",
            let m1 = peek(4), let m2 = peek(5), FHIRPathLexer.isDigit(m1), FHIRPathLexer.isDigit(m2)
        {
            for _ in 0..<6 { advance() }
            return String(sign) + String(h1) + String(h2) + ":" + String(m1) + String(m2)
        }
        return ""
    }
}
