import Bridge
import FHIRModel
import Testing
import TestSupport

/// The broken-mapping corpus (Tests/BridgeTests/MappingCorpus): each file says, in `# expect:` lines at its end,
/// every problem `mappings check` must report for it, as `LINE:COLUMN: severity: message` (or
/// `OTHER-FILE:LINE:COLUMN: ...` for a problem placed in a file it includes). A check that reports a problem at
/// another place, with another message, or one problem more or fewer, fails.
@Suite struct MappingCheckCorpusTests {
    static let folder = SharedData.packageRoot + "/Tests/BridgeTests/MappingCorpus"

    struct Expectation: Hashable, CustomStringConvertible {
        var file: String
        var line: Int
        var column: Int
        var severity: String
        var message: String
        var description: String { "\(file):\(line):\(column): \(severity): \(message)" }
    }

    static func corpusFiles() throws -> [String] {
        (DirectoryListing.names(in: folder, withSuffix: ".yaml") ?? []).filter { !$0.hasPrefix("helper-") }
    }

    static func expectations(in name: String) throws -> [Expectation] {
        let text = String(decoding: try FileBytes.read(path: folder + "/" + name), as: UTF8.self)
        return text.split(separator: "\n").compactMap { line -> Expectation? in
            guard line.hasPrefix("# expect: ") else { return nil }
            var rest = Substring(line.dropFirst("# expect: ".count))
            var file = name
            if let first = rest.first, !first.isNumber, let colon = rest.firstIndex(of: ":") {
                file = String(rest[..<colon])
                rest = rest[rest.index(after: colon)...]
            }
            let parts = rest.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, let line = Int(parts[0]), let column = Int(parts[1]) else { return nil }
            return Expectation(
                file: file, line: line, column: column, severity: parts[2].trimmingSpaces(),
                message: parts[3].trimmingSpaces())
        }
    }

    @Test func theCorpusIsLargeAndEveryFileSaysWhatToExpect() throws {
        let files = try Self.corpusFiles()
        #expect(files.count >= 30)
        for file in files {
            #expect(try !Self.expectations(in: file).isEmpty, "\(file) has no # expect: line")
        }
    }

    @Test(arguments: try MappingCheckCorpusTests.corpusFiles())
    func reportsExactlyTheExpectedProblems(file: String) throws {
        let diagnostics = DiagnosticsCollector()
        let mapping = MappingStage.run(paths: [Self.folder + "/" + file], diagnostics: diagnostics)
        #expect(mapping == nil, "a broken mapping compiled")
        let expected = try Self.expectations(in: file)
        let reported = diagnostics.diagnostics
        for expectation in expected {
            let found = reported.contains { diagnostic in
                (diagnostic.source ?? "").hasSuffix("/" + expectation.file) && diagnostic.line == expectation.line
                    && diagnostic.column == expectation.column && diagnostic.severity.rawValue == expectation.severity
                    && diagnostic.message.hasPrefix(expectation.message)
            }
            #expect(found, "missing \(expectation); reported:\n\(reported.map(\.description).joined(separator: "\n"))")
        }
        #expect(reported.count == expected.count, "reported \(reported.count), expected \(expected.count):\n\(reported.map(\.description).joined(separator: "\n"))")
    }

    @Test func aMappingWithThreeErrorsReportsAllThree() throws {
        let diagnostics = DiagnosticsCollector()
        _ = MappingStage.run(paths: [Self.folder + "/three-errors.yaml"], diagnostics: diagnostics)
        let errors = diagnostics.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 3)
        #expect(Set(errors.compactMap(\.line)).count == 3)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
