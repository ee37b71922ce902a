/// `--name value` options, `--flag` flags and positional arguments, checked for leftovers at the end so that a
/// misspelled option is an error rather than silently ignored.
struct BenchmarkArguments {
    var positional: [String] = []
    var options: [String: String] = [:]
    var flags: Set<String> = []
    var used: Set<String> = []

    static let knownFlags: Set<String> = ["json", "help", "whole", "pretty", "json-values"]

    init(_ argv: [String]) throws {
        var i = 0
        while i < argv.count {
            let arg = argv[i]
            if arg.hasPrefix("--") {
                let name = String(arg.dropFirst(2))
                if let eq = name.firstIndex(of: "=") {
                    options[String(name[..<eq])] = String(name[name.index(after: eq)...])
                } else if BenchmarkArguments.knownFlags.contains(name) {
                    flags.insert(name)
                } else {
                    guard i + 1 < argv.count else { throw BenchmarkFailure(message: "--\(name) needs a value") }
                    options[name] = argv[i + 1]
                    i += 1
                }
            } else {
                positional.append(arg)
            }
            i += 1
        }
    }

    mutating func flag(_ name: String) -> Bool {
        used.insert(name)
        return flags.contains(name)
    }

    mutating func string(_ name: String) -> String? {
        used.insert(name)
        return options[name]
    }

    mutating func int(_ name: String, default value: Int) throws -> Int {
        guard let text = string(name) else { return value }
        guard let number = Int(text.filter { $0 != "_" }), number >= 0 else {
            throw BenchmarkFailure(message: "--\(name) needs a whole number, not '\(text)'")
        }
        return number
    }

    /// The runs to take the best of (default 5).
    mutating func runs() throws -> Int { max(1, try int("runs", default: 5)) }

    mutating func file(_ what: String = "FILE") throws -> String {
        guard !positional.isEmpty else { throw BenchmarkFailure(message: "missing \(what)") }
        return positional.removeFirst()
    }

    func finish() throws {
        if let extra = positional.first { throw BenchmarkFailure(message: "unexpected argument '\(extra)'") }
        let unknown = Set(options.keys).union(flags).subtracting(used)
        if let name = unknown.sorted().first { throw BenchmarkFailure(message: "unknown option --\(name)") }
    }
}
