/// Recursive-descent parser for FHIRPath (N1 grammar plus FHIR's additions), by precedence from loosest to tightest:
/// implies; or xor; and; in contains; = ~ != !~; < > <= >=; |; is as; + - &; * / div mod; unary + -; postfix . [].
struct FHIRPathParser {
    private let tokens: [FHIRPathToken]
    private var index = 0
    /// Sub-expressions (parentheses, arguments, indexes) and signs open around the current token.
    private var nesting = 0

    /// The deepest expression accepted: the parser, the compiler and the evaluator recurse once per level, so an
    /// expression nested deeper (thousands of `-` or `(`, or a chain of thousands of `.` or `+`, found by fuzzing)
    /// would overflow the stack instead of being refused. Real expressions stay far below it.
    static let maxNesting = 256

    static let calendarUnits: Set<String> = [
        "year", "years", "month", "months", "week", "weeks", "day", "days",
        "hour", "hours", "minute", "minutes", "second", "seconds", "millisecond", "milliseconds",
    ]

    static func parse(_ source: String) throws -> FHIRPathSyntaxTree {
        var parser = FHIRPathParser(tokens: try FHIRPathLexer.tokenize(source))
        let tree = try parser.parseExpression()
        guard parser.current.kind == .end else {
            throw parser.error("unexpected \(parser.describe(parser.current))", at: parser.current)
        }
        // Left-deep chains (`a.b.c...`, `1 + 1 + ...`) are built by loops, not by the parser's recursion.
        if tree.depth > maxNesting {
            throw FHIRPathSyntaxError(
                message: "the expression is nested more than \(maxNesting) levels deep",
                line: tree.range.line, column: tree.range.column, offset: tree.range.start)
        }
        return tree
    }

    private init(tokens: [FHIRPathToken]) { self.tokens = tokens }

    private var current: FHIRPathToken { tokens[index] }
    private func peek(_ ahead: Int) -> FHIRPathToken { tokens[min(index + ahead, tokens.count - 1)] }

    private func error(_ message: String, at token: FHIRPathToken) -> FHIRPathSyntaxError {
        FHIRPathSyntaxError(
            message: message, line: token.range.line, column: token.range.column, offset: token.range.start)
    }

    private func describe(_ token: FHIRPathToken) -> String {
        switch token.kind {
        case .end: return "end of expression"
        case .identifier(let s), .symbol(let s): return "'\(s)'"
        case .delimitedIdentifier(let s): return "`\(s)`"
        case .string(let s): return "string '\(s)'"
        case .integer(let s), .long(let s), .decimal(let s): return "number \(s)"
        case .dateTime(let s): return "@\(s)"
        case .time(let s): return "@T\(s)"
        case .externalConstant(let s): return "%\(s)"
        case .special(let s): return "$\(s)"
        }
    }

    private mutating func advance() -> FHIRPathToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private mutating func expect(_ symbol: String) throws -> FHIRPathToken {
        guard current.symbol == symbol else {
            throw error("expected '\(symbol)' but found \(describe(current))", at: current)
        }
        return advance()
    }

    private func isWord(_ word: String) -> Bool { current.word == word }

    mutating func parseExpression() throws -> FHIRPathSyntaxTree {
        try nested { try $0.parseImplies() }
    }

    /// Runs `body` one level deeper, refusing to go past `maxNesting` before the recursion could exhaust the stack.
    private mutating func nested(_ body: (inout FHIRPathParser) throws -> FHIRPathSyntaxTree) throws -> FHIRPathSyntaxTree {
        guard nesting < Self.maxNesting else {
            throw error("the expression is nested more than \(Self.maxNesting) levels deep", at: current)
        }
        nesting += 1
        defer { nesting -= 1 }
        return try body(&self)
    }

    private mutating func binaryLevel(
        _ ops: Set<String>, next: (inout FHIRPathParser) throws -> FHIRPathSyntaxTree
    ) throws -> FHIRPathSyntaxTree {
        var lhs = try next(&self)
        while let op = current.symbol ?? current.word, ops.contains(op) {
            _ = advance()
            let rhs = try next(&self)
            lhs = .binary(op: op, lhs: lhs, rhs: rhs, lhs.range.union(rhs.range))
        }
        return lhs
    }

    private mutating func parseImplies() throws -> FHIRPathSyntaxTree {
        try binaryLevel(["implies"]) { try $0.parseOr() }
    }
    private mutating func parseOr() throws -> FHIRPathSyntaxTree {
        try binaryLevel(["or", "xor"]) { try $0.parseAnd() }
    }
    private mutating func parseAnd() throws -> FHIRPathSyntaxTree {
        try binaryLevel(["and"]) { try $0.parseMembership() }
    }
    private mutating func parseMembership() throws -> FHIRPathSyntaxTree {
        try binaryLevel(["in", "contains"]) { try $0.parseEquality() }
    }
    private mutating func parseEquality() throws -> FHIRPathSyntaxTree {
        try binaryLevel(["=", "~", "!=", "!~"]) { try $0.parseInequality() }
    }
    private mutating func parseInequality() throws -> FHIRPathSyntaxTree {
        try binaryLevel(["<", ">", "<=", ">="]) { try $0.parseUnion() }
    }
    private mutating func parseUnion() throws -> FHIRPathSyntaxTree {
        try binaryLevel(["|"]) { try $0.parseType() }
    }

    private mutating func parseType() throws -> FHIRPathSyntaxTree {
        var operand = try parseAdditive()
        while let op = current.word, op == "is" || op == "as" {
            _ = advance()
            let type = try parseTypeSpecifier()
            operand = .typeOperator(op: op, operand: operand, type: type, operand.range.union(type.range))
        }
        return operand
    }

    private mutating func parseAdditive() throws -> FHIRPathSyntaxTree {
        try binaryLevel(["+", "-", "&"]) { try $0.parseMultiplicative() }
    }
    private mutating func parseMultiplicative() throws -> FHIRPathSyntaxTree {
        try binaryLevel(["*", "/", "div", "mod"]) { try $0.parsePolarity() }
    }

    private mutating func parsePolarity() throws -> FHIRPathSyntaxTree {
        if let op = current.symbol, op == "+" || op == "-" {
            let token = advance()
            let operand = try nested { try $0.parsePolarity() }
            return .unary(op: op, operand: operand, token.range.union(operand.range))
        }
        return try parsePostfix()
    }

    mutating func parseTypeSpecifier() throws -> FHIRPathTypeSpecifier {
        let first = current
        guard let name = identifierText(first) else {
            throw error("expected a type name but found \(describe(first))", at: first)
        }
        _ = advance()
        if current.symbol == ".", let second = identifierText(peek(1)) {
            _ = advance()
            let last = advance()
            return FHIRPathTypeSpecifier(namespace: name, name: second, range: first.range.union(last.range))
        }
        return FHIRPathTypeSpecifier(namespace: nil, name: name, range: first.range)
    }

    private func identifierText(_ token: FHIRPathToken) -> String? {
        switch token.kind {
        case .identifier(let s), .delimitedIdentifier(let s): return s
        default: return nil
        }
    }

    private mutating func parsePostfix() throws -> FHIRPathSyntaxTree {
        var base = try parseTerm()
        while true {
            if current.symbol == "." {
                _ = advance()
                let nameToken = current
                guard let name = identifierText(nameToken) else {
                    throw error("expected a name after '.' but found \(describe(nameToken))", at: nameToken)
                }
                _ = advance()
                if current.symbol == "(" {
                    let (arguments, close) = try parseArguments()
                    base = .function(
                        base: base, name: name, arguments: arguments, base.range.union(close.range))
                } else {
                    base = .member(base: base, name: name, base.range.union(nameToken.range))
                }
            } else if current.symbol == "[" {
                _ = advance()
                let index = try parseExpression()
                let close = try expect("]")
                base = .indexer(base: base, index: index, base.range.union(close.range))
            } else {
                return base
            }
        }
    }

    private mutating func parseArguments() throws -> ([FHIRPathSyntaxTree], FHIRPathToken) {
        _ = try expect("(")
        var arguments: [FHIRPathSyntaxTree] = []
        if current.symbol == ")" { return (arguments, advance()) }
        while true {
            arguments.append(try parseExpression())
            if current.symbol == "," {
                _ = advance()
                continue
            }
            return (arguments, try expect(")"))
        }
    }

    private mutating func parseTerm() throws -> FHIRPathSyntaxTree {
        let token = current
        switch token.kind {
        case .end:
            throw error("unexpected end of expression", at: token)
        case .string(let s):
            _ = advance()
            return .literal(.string(s), token.range)
        case .integer(let s), .decimal(let s):
            _ = advance()
            if case .string(let unit) = current.kind {
                let unitToken = advance()
                return .literal(.quantity(value: s, unit: unit), token.range.union(unitToken.range))
            }
            if let word = current.word, FHIRPathParser.calendarUnits.contains(word) {
                let unitToken = advance()
                return .literal(.quantity(value: s, unit: word), token.range.union(unitToken.range))
            }
            if case .integer = token.kind { return .literal(.integer(s), token.range) }
            return .literal(.decimal(s), token.range)
        case .long(let s):
            _ = advance()
            return .literal(.long(s), token.range)
        case .dateTime(let s):
            _ = advance()
            return .literal(.dateTime(s), token.range)
        case .time(let s):
            _ = advance()
            return .literal(.time(s), token.range)
        case .externalConstant(let s):
            _ = advance()
            return .externalConstant(s, token.range)
        case .special(let s):
            _ = advance()
            return .special(s, token.range)
        case .symbol("("):
            _ = advance()
            let inner = try parseExpression()
            _ = try expect(")")
            return inner
        case .symbol("{"):
            _ = advance()
            let close = try expect("}")
            return .literal(.empty, token.range.union(close.range))
        case .identifier(let s):
            if s == "true" || s == "false" {
                _ = advance()
                return .literal(.boolean(s == "true"), token.range)
            }
            _ = advance()
            if current.symbol == "(" {
                let (arguments, close) = try parseArguments()
                return .function(base: nil, name: s, arguments: arguments, token.range.union(close.range))
            }
            return .identifier(s, token.range)
        case .delimitedIdentifier(let s):
            _ = advance()
            if current.symbol == "(" {
                let (arguments, close) = try parseArguments()
                return .function(base: nil, name: s, arguments: arguments, token.range.union(close.range))
            }
            return .identifier(s, token.range)
        case .symbol:
            throw error("unexpected \(describe(token))", at: token)
        }
    }
}
