/// String functions, including regular expressions (`matches`, `replaceMatches`) and encodings.
enum FHIRPathStringFunctions {
    typealias Entry = FHIRPathFunctionTable.Entry

    /// A function of the input string and its arguments, with FHIRPath's empty propagation.
    static func stringFunction(
        _ name: String, _ arity: ClosedRange<Int>, resultTypes: [String]? = nil,
        _ body: @escaping @Sendable (String, [[FHIRPathItem]]) throws -> [FHIRPathItem]
    ) -> Entry {
        Entry(arity: arity, kind: .eager { input, args, _ in
            guard let s = try FHIRPathArguments.string(input, "\(name)()") else { return [] }
            return try body(s, args)
        }, resultTypes: resultTypes)
    }

    static func str(_ s: String) -> [FHIRPathItem] { [FHIRPathItem(.string(s))] }
    static func int(_ i: Int) -> [FHIRPathItem] { [FHIRPathItem(.integer(i))] }

    static func regex(_ pattern: String) throws -> Regex<AnyRegexOutput> {
        do {
            return try Regex(pattern).dotMatchesNewlines()
        } catch {
            throw FHIRPathEvaluationError("invalid regular expression '\(pattern)'")
        }
    }

    static func characterIndex(of needle: String, in s: String, last: Bool) -> Int {
        if needle.isEmpty { return last ? s.count : 0 }
        let chars = Array(s)
        let n = Array(needle)
        guard n.count <= chars.count else { return -1 }
        let range = Array(0...(chars.count - n.count))
        for i in (last ? range.reversed() : range) where Array(chars[i..<(i + n.count)]) == n {
            return i
        }
        return -1
    }

    static let entries: [String: Entry] = [
        "indexOf": stringFunction("indexOf", 1...1) { s, args in
            guard let sub = try FHIRPathArguments.string(args[0], "indexOf()") else { return [] }
            return int(characterIndex(of: sub, in: s, last: false))
        },
        "lastIndexOf": stringFunction("lastIndexOf", 1...1) { s, args in
            guard let sub = try FHIRPathArguments.string(args[0], "lastIndexOf()") else { return [] }
            return int(characterIndex(of: sub, in: s, last: true))
        },
        "substring": stringFunction("substring", 1...2) { s, args in
            guard let start = try FHIRPathArguments.integer(args[0], "substring()") else { return [] }
            let chars = Array(s)
            guard start >= 0 && start < chars.count else { return [] }
            var length = chars.count - start
            if args.count > 1 {
                guard let l = try FHIRPathArguments.integer(args[1], "substring()") else {
                    return str(String(chars[start...]))
                }
                length = max(0, min(l, length))
            }
            return str(String(chars[start..<(start + length)]))
        },
        "startsWith": stringFunction("startsWith", 1...1) { s, args in
            guard let p = try FHIRPathArguments.string(args[0], "startsWith()") else { return [] }
            return FHIRPathArguments.boolean(s.hasPrefix(p))
        },
        "endsWith": stringFunction("endsWith", 1...1) { s, args in
            guard let p = try FHIRPathArguments.string(args[0], "endsWith()") else { return [] }
            return FHIRPathArguments.boolean(s.hasSuffix(p))
        },
        "contains": stringFunction("contains", 1...1) { s, args in
            guard let p = try FHIRPathArguments.string(args[0], "contains()") else { return [] }
            return FHIRPathArguments.boolean(p.isEmpty || s.contains(p))
        },
        "upper": stringFunction("upper", 0...0) { s, _ in str(s.uppercased()) },
        "lower": stringFunction("lower", 0...0) { s, _ in str(s.lowercased()) },
        "length": stringFunction("length", 0...0) { s, _ in int(s.count) },
        "toChars": stringFunction("toChars", 0...0) { s, _ in s.map { FHIRPathItem(.string(String($0))) } },
        "trim": stringFunction("trim", 0...0) { s, _ in
            str(String(s.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()))
        },
        "replace": stringFunction("replace", 2...2) { s, args in
            guard let pattern = try FHIRPathArguments.string(args[0], "replace()"),
                let replacement = try FHIRPathArguments.string(args[1], "replace()")
            else { return [] }
            if pattern.isEmpty {
                var out = replacement
                for c in s { out += String(c) + replacement }
                return str(out)
            }
            return str(s.replacing(pattern, with: replacement))
        },
        "matches": stringFunction("matches", 1...1) { s, args in
            guard let pattern = try FHIRPathArguments.string(args[0], "matches()") else { return [] }
            return FHIRPathArguments.boolean(try s.firstMatch(of: regex(pattern)) != nil)
        },
        "matchesFull": stringFunction("matchesFull", 1...1) { s, args in
            guard let pattern = try FHIRPathArguments.string(args[0], "matchesFull()") else { return [] }
            return FHIRPathArguments.boolean(try s.wholeMatch(of: regex(pattern)) != nil)
        },
        "replaceMatches": stringFunction("replaceMatches", 2...2) { s, args in
            guard let pattern = try FHIRPathArguments.string(args[0], "replaceMatches()"),
                let substitution = try FHIRPathArguments.string(args[1], "replaceMatches()")
            else { return [] }
            if pattern.isEmpty { return str(s) }
            let r = try regex(pattern)
            let result = s.replacing(r) { match in
                expandSubstitution(substitution, match.output)
            }
            return str(result)
        },
        "split": stringFunction("split", 1...1) { s, args in
            guard let separator = try FHIRPathArguments.string(args[0], "split()") else { return [] }
            if separator.isEmpty { return s.map { FHIRPathItem(.string(String($0))) } }
            return s.split(separator: separator, omittingEmptySubsequences: false).map {
                FHIRPathItem(.string(String($0)))
            }
        },
        "join": Entry(arity: 0...1, kind: .eager { input, args, _ in
            let separator = try args.first.flatMap { try FHIRPathArguments.string($0, "join()") } ?? ""
            let parts = try input.map { item -> String in
                if case .string(let s)? = item.systemValue { return s }
                throw FHIRPathEvaluationError("join() expects Strings but got \(item.typeName)")
            }
            return str(parts.joined(separator: separator))
        }),
        "encode": stringFunction("encode", 1...1) { s, args in
            guard let format = try FHIRPathArguments.string(args[0], "encode()") else { return [] }
            return try str(FHIRPathEncoding.encode(Array(s.utf8), format))
        },
        "decode": stringFunction("decode", 1...1) { s, args in
            guard let format = try FHIRPathArguments.string(args[0], "decode()") else { return [] }
            guard let bytes = try FHIRPathEncoding.decode(s, format) else { return [] }
            return str(String(decoding: bytes, as: UTF8.self))
        },
        "escape": stringFunction("escape", 1...1) { s, args in
            guard let format = try FHIRPathArguments.string(args[0], "escape()") else { return [] }
            return try str(FHIRPathEncoding.escape(s, format))
        },
        "unescape": stringFunction("unescape", 1...1) { s, args in
            guard let format = try FHIRPathArguments.string(args[0], "unescape()") else { return [] }
            return try str(FHIRPathEncoding.unescape(s, format))
        },
    ]

    /// Expands `$1`-style group references in a replacement.
    static func expandSubstitution(_ template: String, _ output: AnyRegexOutput) -> String {
        var result = ""
        var chars = Substring(template)
        while let c = chars.first {
            chars = chars.dropFirst()
            if c == "$", let d = chars.first, let n = d.wholeNumberValue {
                chars = chars.dropFirst()
                if n < output.count, let sub = output[n].substring { result += sub }
            } else {
                result.append(c)
            }
        }
        return result
    }
}
