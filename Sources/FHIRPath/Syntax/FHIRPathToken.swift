/// One lexical unit of a FHIRPath expression.
struct FHIRPathToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        /// A back-quoted identifier: never a keyword.
        case delimitedIdentifier(String)
        case string(String)
        case integer(String)
        case long(String)
        case decimal(String)
        /// The text after `@` of a date or date-time literal.
        case dateTime(String)
        /// The text after `@T` of a time literal.
        case time(String)
        /// `%name`, `%`name`` or `%'name'`.
        case externalConstant(String)
        /// `$this`, `$index`, `$total` (without the `$`).
        case special(String)
        case symbol(String)
        case end
    }

    var kind: Kind
    var range: FHIRPathSourceRange

    var symbol: String? {
        if case .symbol(let s) = kind { return s }
        return nil
    }

    /// The text of a plain identifier (keywords included), used to recognise `and`, `div`, `is`, ...
    var word: String? {
        if case .identifier(let s) = kind { return s }
        return nil
    }
}
