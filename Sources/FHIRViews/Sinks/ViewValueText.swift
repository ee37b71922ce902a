import FHIRModel

/// The text form of a cell shared by the CSV, TSV and PostgreSQL COPY writers: strings as they are, numbers as
/// their literal, booleans as `true`/`false`, arrays and objects as compact JSON. Null is decided by the caller.
enum ViewValueText {
    static func append(_ value: FHIRElement, into out: inout [UInt8]) {
        switch value {
        case .null: return
        case .string(let text): out.append(contentsOf: text.utf8)
        case .number(let number): out.append(contentsOf: number.text.utf8)
        case .boolean(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .array, .object: jsonWriter.write(value, into: &out)
        }
    }

    static func string(_ value: FHIRElement) -> String {
        var bytes: [UInt8] = []
        append(value, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static let jsonWriter = FHIRJSONWriter(pretty: false)
}
