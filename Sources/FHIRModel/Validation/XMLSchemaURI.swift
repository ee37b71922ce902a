/// What XML Schema's `anyURI` accepts, as libxml2 (and so `xmllint --schema`) decides it: the value, with the
/// characters RFC 3986 calls unwise (space, `<>"{}|\^`'`, controls and non-ASCII) taken as if allowed, must parse as
/// an RFC 3986 URI or relative reference. So `%zz`, a second `#`, `[` outside a host or fragment, an empty port or a
/// scheme starting with a digit are refused: `fhir-single.xsd` would reject the file.
extension LexicalScanner {
    static func isXMLSchemaURI(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var absolute = LexicalScanner(bytes: bytes)
        if absolute.uriReference(relative: false) { return true }
        var relative = LexicalScanner(bytes: bytes)
        return relative.uriReference(relative: true)
    }

    /// Bytes libxml2 replaces by `_` before parsing.
    @inline(__always) static func isUnwise(_ b: UInt8) -> Bool {
        b < 0x20 || b >= 0x7F || b == 0x20 || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "\"")
            || b == UInt8(ascii: "{") || b == UInt8(ascii: "}") || b == UInt8(ascii: "|") || b == UInt8(ascii: "\\")
            || b == UInt8(ascii: "^") || b == UInt8(ascii: "`") || b == UInt8(ascii: "'")
    }

    @inline(__always) static func isUnreserved(_ b: UInt8) -> Bool {
        isAlphanumeric(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_")
            || b == UInt8(ascii: "~") || isUnwise(b)
    }

    @inline(__always) static func isSubDelimiter(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
            return true
        default: return false
        }
    }

    /// unreserved / pct-encoded / sub-delims / ":" / "@" (`colon`: whether ":" counts); moves past it.
    mutating func takePathCharacter(colon: Bool = true) -> Bool {
        guard i < bytes.count else { return false }
        let b = bytes[i]
        if Self.isUnreserved(b) || Self.isSubDelimiter(b) || b == UInt8(ascii: "@") || (colon && b == UInt8(ascii: ":")) {
            i += 1
            return true
        }
        return takePercentEncoded()
    }

    mutating func takePercentEncoded() -> Bool {
        guard i + 3 <= bytes.count, bytes[i] == UInt8(ascii: "%"), Self.isHex(bytes[i + 1]), Self.isHex(bytes[i + 2])
        else { return false }
        i += 3
        return true
    }

    /// `scheme ":" hier-part` or `relative-part`, then `["?" query] ["#" fragment]`, and nothing after.
    mutating func uriReference(relative: Bool) -> Bool {
        if !relative {
            guard i < bytes.count, Self.isAlpha(bytes[i]) else { return false }
            while i < bytes.count, Self.isAlphanumeric(bytes[i]) || bytes[i] == UInt8(ascii: "+")
                || bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: ".")
            {
                i += 1
            }
            guard take(UInt8(ascii: ":")) else { return false }
        }
        if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "/"), bytes[i + 1] == UInt8(ascii: "/") {
            i += 2
            guard authority() else { return false }
            segments()
        } else if current == UInt8(ascii: "/") {
            segments()
        } else if i < bytes.count {
            // path-rootless, or for a relative reference path-noscheme (no ":" in its first segment).
            var any = false
            while takePathCharacter(colon: !relative) { any = true }
            if any { segments() }
        }
        if take(UInt8(ascii: "?")) {
            while takePathCharacter() || take(UInt8(ascii: "/")) || take(UInt8(ascii: "?")) {}
        }
        if take(UInt8(ascii: "#")) {
            while takePathCharacter() || take(UInt8(ascii: "/")) || take(UInt8(ascii: "?")) || take(UInt8(ascii: "["))
                || take(UInt8(ascii: "]"))
            {}
        }
        return atEnd
    }

    /// `*( "/" segment )`.
    mutating func segments() {
        while take(UInt8(ascii: "/")) {
            while takePathCharacter() {}
        }
    }

    /// `[ userinfo "@" ] host [ ":" port ]`, port at least one digit (libxml2 refuses an empty one).
    mutating func authority() -> Bool {
        let start = i
        while takePathCharacter(colon: true), bytes[i - 1] != UInt8(ascii: "@") {}
        if !(i > start && bytes[i - 1] == UInt8(ascii: "@")) { i = start }
        if take(UInt8(ascii: "[")) {
            while i < bytes.count, bytes[i] != UInt8(ascii: "]") { i += 1 }
            guard take(UInt8(ascii: "]")) else { return false }
        } else {
            while i < bytes.count {
                let b = bytes[i]
                if Self.isUnreserved(b) || Self.isSubDelimiter(b) {
                    i += 1
                } else if !takePercentEncoded() {
                    break
                }
            }
        }
        if take(UInt8(ascii: ":")) {
            guard i < bytes.count, Self.isDigit(bytes[i]) else { return false }
            while i < bytes.count, Self.isDigit(bytes[i]) { i += 1 }
        }
        return true
    }
}
