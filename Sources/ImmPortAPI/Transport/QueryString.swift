/// Builds `name=value&...` query strings with percent-encoding that keeps FHIR's readable separators.
public enum QueryString {
    /// Characters left as they are in query names and values: RFC 3986 unreserved plus `:`, `,`, `/`, `$`, `*`.
    static func isKept(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"), UInt8(ascii: ","),
            UInt8(ascii: "/"), UInt8(ascii: "$"), UInt8(ascii: "*"):
            return true
        default:
            return false
        }
    }

    public static func encode(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if isKept(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += "%"
                output.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                output.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return output
    }

    public static func build(_ parameters: [(String, String)]) -> String {
        parameters.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    /// `base` + `?query` (or `&query` when `base` already has a query), nothing appended for no parameters.
    public static func append(_ parameters: [(String, String)], to base: String) -> String {
        guard !parameters.isEmpty else { return base }
        return base + (base.contains("?") ? "&" : "?") + build(parameters)
    }

    /// Splits `name=value` command-line arguments.
    public static func parseArguments(_ arguments: [String]) throws -> [(String, String)] {
        try arguments.map { argument in
            guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else {
                throw ImmPortAPIError(.invalidArgument, url: "", message: "search parameter \"\(argument)\" is not name=value")
            }
            return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
        }
    }
}
