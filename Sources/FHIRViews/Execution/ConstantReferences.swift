/// Finds the `%name` references of a FHIRPath expression without evaluating it, so that a path using a constant
/// the view does not define is rejected when the view is compiled rather than on the first matching resource.
enum ConstantReferences {
    /// Environment variables FHIRPath and SQL-on-FHIR define themselves.
    static let builtIn: Set<String> = [
        "resource", "rootResource", "context", "ucum", "sct", "loinc", "rowIndex", "terminologies", "server", "factory",
        "us-zip",
    ]

    /// Names referenced with `%`, skipping string literals; backtick-quoted names are returned unquoted.
    static func names(in source: String) -> [String] {
        let bytes = Array(source.utf8)
        var names: [String] = []
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "'") {
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "'") {
                    i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
                }
                i += 1
                continue
            }
            if byte == UInt8(ascii: "`") {
                // A delimited identifier (not a variable): skip it whole.
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "`") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                i += 1
                continue
            }
            if byte == UInt8(ascii: "%") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "`") {
                    let start = i + 1
                    var end = start
                    while end < bytes.count, bytes[end] != UInt8(ascii: "`") { end += 1 }
                    names.append(String(decoding: bytes[start..<end], as: UTF8.self))
                    i = end + 1
                } else if i < bytes.count, bytes[i] == UInt8(ascii: "'") {
                    // `%'vs-...'` in older FHIRPath: a terminology reference, not a constant.
                    i += 1
                    while i < bytes.count, bytes[i] != UInt8(ascii: "'") { i += 1 }
                    i += 1
                } else {
                    let start = i
                    while i < bytes.count, isASCIILetterOrDigit(bytes[i]) || bytes[i] == UInt8(ascii: "_") { i += 1 }
                    names.append(String(decoding: bytes[start..<i], as: UTF8.self))
                }
                continue
            }
            i += 1
        }
        return names
    }

    /// The first referenced name that is neither a constant nor a built-in variable.
    static func firstUndefined(in source: String, constants: Set<String>) -> String? {
        names(in: source).first { name in
            !constants.contains(name) && !builtIn.contains(name) && !name.hasPrefix("vs-") && !name.hasPrefix("ext-")
        }
    }
}
