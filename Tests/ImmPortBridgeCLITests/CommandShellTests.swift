import FHIRModel
import Foundation
import ImmPortTestServer
import Testing

/// The file commands as a shell over the library: closed options refused by the parser with their choices, data
/// and evaluation failures on one placed line without usage text, the same input rules (the Bundle rule, refusing
/// what is not a resource) in every command, and a manual in every --help.
@Suite struct CommandShellTests {
    static let views = ImmPortTestServer.fixturesDirectory + "/../Mappings/views"
    static let patient = #"{"resourceType":"Patient","id":"p1","gender":"female"}"#
    static let bundle = #"{"resourceType":"Bundle","id":"b1","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p2"}},{"resource":{"resourceType":"Patient","id":"p3"}}]}"#

    func write(_ h: CLIHarness, _ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: h.path(name)))
        return h.path(name)
    }

    @Test func closedOptionsAreRefusedByTheParserWithTheirChoices() async throws {
        try await CLIHarness.with { h in
            let input = try write(h, "p.json", Self.patient)
            let cases: [([String], String)] = [
                (["view", Self.views + "/patients.json", input, "--format", "bogus"], "'csv', 'tsv', 'ndjson', 'sqlite' or 'postgres'"),
                (["convert", input, "--to", "yaml"], "'json', 'ndjson' or 'xml'"),
                (["fhirpath", "id", input, "--fhir-version", "r9"], "'r4' and 'r5'"),
                (["validate", input, "--from", "csv"], "'json', 'ndjson' or 'xml'"),
                (["view", Self.views + "/patients.json", input, "--fhir-version", "R3"], "'r4' and 'r5'"),
            ]
            for (arguments, choices) in cases {
                let result = try await h.run(arguments)
                #expect(result.status == 64, "\(arguments)")
                #expect(result.standardError.contains(choices), "\(arguments): \(result.standardError)")
            }
        }
    }

    @Test func fhirpathFailuresAreOneLineWithoutUsageText() async throws {
        try await CLIHarness.with { h in
            let input = try write(h, "p.ndjson", Self.patient + "\n" + Self.patient + "\n")
            let syntax = try await h.run(["fhirpath", "x.foo(", input])
            #expect(syntax.status == 2)
            #expect(!syntax.standardError.contains("Usage"), "\(syntax.standardError)")
            // Not a terminal here: one line (a terminal also gets the expression with a caret under column 7).
            let lines = syntax.standardError.split(separator: "\n")
            #expect(lines.count == 1, "\(syntax.standardError)")
            #expect(lines.first?.hasPrefix("error: syntax error at column 7") == true, "\(syntax.standardError)")

            let evaluation = try await h.run(["fhirpath", "(1 | 2) + 1", input])
            #expect(evaluation.status == 1)
            #expect(evaluation.standardError.split(separator: "\n").count == 1, "\(evaluation.standardError)")
            #expect(evaluation.standardError.hasPrefix("\(input):1: error: evaluation error"), "\(evaluation.standardError)")
            #expect(!evaluation.standardError.contains("Usage"))

            let missing = try await h.run(["fhirpath", "id", h.path("absent.json")])
            #expect(missing.status == 1)
            #expect(missing.standardError == "\(h.path("absent.json")): error: cannot open: No such file or directory\n")
        }
    }

    @Test func aTopLevelThatIsNotAResourceIsRefusedByEveryCommand() async throws {
        try await CLIHarness.with { h in
            let inputs: [(String, String, String)] = [
                ("null.json", "null", ":1:1: error: expected a resource"),
                ("number.json", "\n 42", ":2:2: error: expected a resource"),
                ("text.json", #""text""#, ":1:1: error: expected a resource"),
                ("true.json", "true", ":1:1: error: expected a resource"),
                ("numbers.json", "[1, 2]", ":1:2: entry 1: error: expected a resource"),
                ("strings.json", #"["a"]"#, ":1:2: entry 1: error: expected a resource"),
                ("object.json", #"{"id": "x"}"#, ":1:1: error: expected a resource"),
                ("line.ndjson", Self.patient + "\n42\n", ":2: error: expected a resource"),
            ]
            for (name, text, place) in inputs {
                let input = try write(h, name, text)
                let commands: [([String], Int32)] = [
                    (["convert", input, h.path("out.json"), "--to", "json"], 2),
                    (["convert", input, h.path("out.xml"), "--to", "xml"], 2),
                    (["validate", input], 2),
                    (["fhirpath", "id", input], 1),
                    (["view", Self.views + "/patients.json", input, "-o", h.path("out.csv")], 1),
                ]
                for (arguments, status) in commands {
                    let result = try await h.run(arguments)
                    #expect(result.status == status, "\(arguments): \(result.standardError)")
                    #expect(result.standardError.contains(input + place), "\(arguments): \(result.standardError)")
                }
                #expect(!FileManager.default.fileExists(atPath: h.path("out.json")))
                #expect(!FileManager.default.fileExists(atPath: h.path("out.xml")))
                #expect(!FileManager.default.fileExists(atPath: h.path("out.csv")))
            }
        }
    }

    @Test func theBundleRuleIsTheSameInEveryCommand() async throws {
        try await CLIHarness.with { h in
            let bundleView = try write(h, "bundles.json", #"{"resourceType":"ViewDefinition","name":"bundles","resource":"Bundle","status":"active","select":[{"column":[{"name":"id","path":"id"}]}]}"#)
            let bulk = try write(h, "bulk.ndjson", Self.patient + "\n" + Self.bundle + "\n")
            let file = try write(h, "bundle.json", Self.bundle)
            // An NDJSON line is one resource: the Bundle line is a Bundle, its Patients are not read as resources.
            for entries in [false, true] {
                let flags = entries ? ["--entries"] : []
                let bundles = try await h.run(["view", bundleView, bulk, "-o", h.path("b.csv")] + flags)
                #expect(bundles.standardError.contains("2 resources read, bundles: 1 rows"), "\(bundles.standardError)")
                let patients = try await h.run(["view", Self.views + "/patients.json", bulk, "-o", h.path("p.csv")] + flags)
                #expect(patients.standardError.contains("2 resources read, patients: 1 rows"), "\(patients.standardError)")
                let ids = try await h.run(["fhirpath", "id", bulk] + flags)
                #expect(ids.standardOutputText == "[\"p1\"]\n[\"b1\"]\n")
            }
            // A Bundle file is one resource unless --entries.
            let whole = try await h.run(["view", Self.views + "/patients.json", file, "-o", h.path("p.csv")])
            #expect(whole.standardError.contains("1 resources read, patients: 0 rows"), "\(whole.standardError)")
            let unpacked = try await h.run(["view", Self.views + "/patients.json", file, "-o", h.path("p.csv"), "--entries"])
            #expect(unpacked.standardError.contains("2 resources read, patients: 2 rows"), "\(unpacked.standardError)")
            #expect(try await h.run(["fhirpath", "id", file]).standardOutputText == "[\"b1\"]\n")
            #expect(try await h.run(["fhirpath", "id", file, "--entries"]).standardOutputText == "[\"p2\"]\n[\"p3\"]\n")
            let converted = try await h.run(["convert", file, "--to", "ndjson"])
            #expect(converted.standardOutputText.split(separator: "\n").count == 1)
            let entries = try await h.run(["convert", file, "--to", "ndjson", "--entries"])
            #expect(entries.standardOutputText.split(separator: "\n").count == 2)
        }
    }

    @Test func everyFileCommandsHelpIsItsManual() async throws {
        try await CLIHarness.with { h in
            for command in ["convert", "validate", "fhirpath", "view"] {
                let help = try await h.run([command, "--help"])
                #expect(help.status == 0)
                for part in ["INPUT", "OUTPUT", "EXIT STATUS", "EXAMPLE", "--entries", "NDJSON line is always one resource"] {
                    if part == "--entries" && command == "validate" { continue }
                    #expect(help.standardOutputText.contains(part), "\(command) --help lacks \(part)")
                }
            }
        }
    }
}
