/// `{name}` placeholders in the strings of a mapping (endpoint paths, emitted ids, template values): the one reader
/// of the brace syntax, which everything that fills or checks a template goes through.
enum MappingTemplateText {
    enum Piece: Equatable {
        case literal(String)
        /// The text between braces: a record field, `study`, or `$number FIELD`.
        case placeholder(String)

        /// The same piece, its text in storage of its own (`EmitTemplate.unshared`).
        var unshared: Piece {
            switch self {
            case .literal(let text): .literal(text.unshared)
            case .placeholder(let name): .placeholder(name.unshared)
            }
        }
    }

    /// The text as literal pieces and placeholders, in order. An unclosed `{` is literal text.
    static func pieces(in text: String) -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        var open: String?
        for character in text {
            if character == "{" {
                if let pending = open { literal += "{" + pending }
                open = ""
            } else if character == "}", let name = open {
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = ""
                pieces.append(.placeholder(name))
                open = nil
            } else if open != nil {
                open!.append(character)
            } else {
                literal.append(character)
            }
        }
        if let pending = open { literal += "{" + pending }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }

    /// The names between braces, in order. `{$number x}` gives `$number x`.
    static func placeholders(in text: String) -> [String] {
        pieces(in: text).compactMap { if case .placeholder(let name) = $0 { return name } else { return nil } }
    }

    /// `text` with every `{name}` replaced by `value(name)`; text outside braces is kept.
    static func fill(_ text: String, _ value: (String) -> String) -> String {
        pieces(in: text).map { piece in
            switch piece {
            case .literal(let literal): return literal
            case .placeholder(let name): return value(name)
            }
        }.joined()
    }
}
