import FHIRModel
/// `encode`/`decode` (base64, urlbase64, hex) and `escape`/`unescape` (html, json).
enum FHIRPathEncoding {
    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8], _ format: String) throws -> String {
        switch format {
        case "hex":
            let digits = Array("0123456789abcdef".utf8)
            var out: [UInt8] = []
            for b in bytes {
                out.append(digits[Int(b >> 4)])
                out.append(digits[Int(b & 15)])
            }
            return String(decoding: out, as: UTF8.self)
        case "base64", "urlbase64":
            var out: [UInt8] = []
            var i = 0
            while i < bytes.count {
                let b0 = Int(bytes[i])
                let b1 = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0
                let b2 = i + 2 < bytes.count ? Int(bytes[i + 2]) : 0
                out.append(base64Alphabet[b0 >> 2])
                out.append(base64Alphabet[((b0 & 3) << 4) | (b1 >> 4)])
                out.append(i + 1 < bytes.count ? base64Alphabet[((b1 & 15) << 2) | (b2 >> 6)] : UInt8(ascii: "="))
                out.append(i + 2 < bytes.count ? base64Alphabet[b2 & 63] : UInt8(ascii: "="))
                i += 3
            }
            var s = String(decoding: out, as: UTF8.self)
            if format == "urlbase64" {
                s = String(s.map { $0 == "+" ? "-" : ($0 == "/" ? "_" : $0) })
            }
            return s
        default:
            throw FHIRPathEvaluationError("unknown encoding '\(format)'")
        }
    }

    static func decode(_ s: String, _ format: String) throws -> [UInt8]? {
        switch format {
        case "hex":
            let chars = Array(s.utf8)
            guard chars.count % 2 == 0 else { return nil }
            var out: [UInt8] = []
            var i = 0
            while i < chars.count {
                guard let v = UInt8(String(decoding: chars[i..<(i + 2)], as: UTF8.self), radix: 16) else { return nil }
                out.append(v)
                i += 2
            }
            return out
        case "base64", "urlbase64":
            var values: [Int] = []
            for c in s.utf8 {
                switch c {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(Int(c) - 65)
                case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(Int(c) - 71)
                case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(Int(c) + 4)
                case UInt8(ascii: "+"), UInt8(ascii: "-"): values.append(62)
                case UInt8(ascii: "/"), UInt8(ascii: "_"): values.append(63)
                case UInt8(ascii: "="): break
                default: return nil
                }
            }
            var out: [UInt8] = []
            var i = 0
            while i + 1 < values.count {
                out.append(UInt8((values[i] << 2 | values[i + 1] >> 4) & 255))
                if i + 2 < values.count { out.append(UInt8(((values[i + 1] & 15) << 4 | values[i + 2] >> 2) & 255)) }
                if i + 3 < values.count { out.append(UInt8(((values[i + 2] & 3) << 6 | values[i + 3]) & 255)) }
                i += 4
            }
            return out
        default:
            throw FHIRPathEvaluationError("unknown encoding '\(format)'")
        }
    }

    static func escape(_ s: String, _ format: String) throws -> String {
        switch format {
        case "html":
            return HTMLText.escaped(s)
        case "json":
            var out = ""
            for c in s {
                switch c {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default: out.append(c)
                }
            }
            return out
        default:
            throw FHIRPathEvaluationError("unknown escape format '\(format)'")
        }
    }

    static func unescape(_ s: String, _ format: String) throws -> String {
        switch format {
        case "html":
            return s.replacing("&lt;", with: "<").replacing("&gt;", with: ">").replacing("&quot;", with: "\"")
                .replacing("&#39;", with: "'").replacing("&apos;", with: "'").replacing("&amp;", with: "&")
        case "json":
            var out = ""
            var chars = Substring(s)
            while let c = chars.first {
                chars = chars.dropFirst()
                if c == "\\", let e = chars.first {
                    chars = chars.dropFirst()
                    switch e {
                    case "n": out += "\n"
                    case "r": out += "\r"
                    case "t": out += "\t"
                    default: out.append(e)
                    }
                } else {
                    out.append(c)
                }
            }
            return out
        default:
            throw FHIRPathEvaluationError("unknown escape format '\(format)'")
        }
    }
}
