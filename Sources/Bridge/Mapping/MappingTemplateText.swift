/// `{name}` placeholders in the strings of a mapping (endpoint paths, emitted ids, template values).
enum MappingTemplateText {
    /// The names between braces, in order. `{$number x}` gives `$number x`.
    static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var current: String?
        for character in text {
            if character == "{" {
                current = ""
            } else if character == "}", let name = current {
                names.append(name)
                current = nil
            } else if current != nil {
                current!.append(character)
            }
        }
        return names
    }

    /// `text` with every `{name}` replaced by `value(name)`; text outside braces is kept.
    static func fill(_ text: String, _ value: (String) -> String) -> String {
        var result = ""
        var current: String?
        for character in text {
            if character == "{" {
                if let open = current { result += "{" + open }
                current = ""
            } else if character == "}", let name = current {
                result += value(name)
                current = nil
            } else if current != nil {
                current!.append(character)
            } else {
                result.append(character)
            }
        }
        if let open = current { result += "{" + open }
        return result
    }
}
