import FHIRModel

/// A primitive value of an R5 type in an R4 element of the same or a kindred primitive type: `markdown` into
/// `string`, `integer64` (a JSON string in R5) into `unsignedInt` when it fits, `dateTime` into `instant` when it has
/// a time and a zone. Nil, with the reason, when R4's type cannot hold the value.
enum R4PrimitiveValue {
    enum Outcome {
        case value(FHIRElement)
        case lost(String)
    }

    static func convert(_ value: FHIRElement, from r5Type: String, to r4Type: String) -> Outcome {
        let r4Kind = FHIRDefinitions.r4.primitiveKind(r4Type)
        switch value {
        case .string(let text):
            if FHIRDefinitions.r5.primitiveKind(r5Type) == .integer64 {
                return integer(Int(text), text: text, to: r4Type, kind: r4Kind)
            }
            guard r4Kind == .string else { return .lost("R4's \(r4Type) is not text, R5's \(r5Type) '\(text)' is") }
            if let problem = lexicalProblem(text, as: r4Type) { return .lost(problem) }
            return .value(value)
        case .number(let number):
            switch r4Kind {
            case .decimal: return .value(value)
            case .integer: return integer(number.intValue, text: number.text, to: r4Type, kind: r4Kind)
            default: return .lost("R4's \(r4Type) is not a number")
            }
        case .boolean:
            return r4Kind == .boolean ? .value(value) : .lost("R4's \(r4Type) is not a boolean")
        default:
            return .lost("a JSON \(value.kindName) is no \(r5Type)")
        }
    }

    /// R4's integers are 32-bit; `unsignedInt` starts at 0 and `positiveInt` at 1.
    static func integer(_ number: Int?, text: String, to r4Type: String, kind: FHIRPrimitiveKind?) -> Outcome {
        guard kind == .integer || kind == .decimal else { return .lost("R4's \(r4Type) is not a number") }
        guard let number else { return .lost("\(text) is not an integer") }
        let lower: Int
        switch r4Type {
        case "unsignedInt": lower = 0
        case "positiveInt": lower = 1
        default: lower = Int(Int32.min)
        }
        if kind == .integer, number < lower || number > Int(Int32.max) {
            return .lost("\(text) does not fit R4's \(r4Type) (\(lower) to \(Int32.max))")
        }
        return .value(.number(FHIRNumber(number)))
    }

    /// The checks where R4's type is narrower than R5's for the same text.
    static func lexicalProblem(_ text: String, as r4Type: String) -> String? {
        switch r4Type {
        case "instant":
            // An instant needs seconds and a zone: 2024-01-15T10:00:00Z.
            // Bytes, not Foundation's `contains`: the marks are ASCII, which UTF-8 never uses inside another character.
            let hasTime = text.count >= 19 && text.utf8.contains(UInt8(ascii: "T"))
            let zone = text.dropFirst(19).utf8
            let hasZone = text.hasSuffix("Z") || zone.contains(UInt8(ascii: "+")) || zone.contains(UInt8(ascii: "-"))
            return hasTime && hasZone ? nil : "'\(text)' is not an R4 instant (a time with seconds and a zone)"
        case "date":
            return text.count <= 10 ? nil : "'\(text)' is not an R4 date"
        case "id":
            let ok = !text.isEmpty && text.utf8.count <= 64
                && text.utf8.allSatisfy { $0 == 0x2D || $0 == 0x2E || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
            return ok ? nil : "'\(text)' is not an R4 id"
        default:
            return nil
        }
    }
}
