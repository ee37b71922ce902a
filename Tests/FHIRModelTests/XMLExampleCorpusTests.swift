import Foundation
import Testing
import TestSupport
@testable import FHIRModel

/// The official R4 example pairs (../shared/fhir/r4/examples, 194 + 7 pristine) through the XML reader and writer.
@Suite struct XMLExampleCorpusTests {
    struct Pair {
        let name: String
        let json: String
        let xml: String
    }

    static func pairs() throws -> [Pair]? {
        guard let index = try SharedData.path("fhir/r4/examples/INDEX.tsv"),
            let pristine = try SharedData.files(in: "fhir/r4/examples/pristine-fhir-test-cases/json", withSuffix: ".json")
        else { return nil }
        let folder = String(index.dropLast("/INDEX.tsv".count))
        var pairs: [Pair] = []
        let lines = String(decoding: try FileBytes.read(path: index), as: UTF8.self).split(separator: "\n").dropFirst()
        for line in lines {
            let name = String(line.split(separator: "\t", omittingEmptySubsequences: false)[0])
            pairs.append(Pair(name: name, json: "\(folder)/json/\(name).json", xml: "\(folder)/xml/\(name).xml"))
        }
        for file in pristine {
            let name = String(file.dropLast(".json".count))
            pairs.append(Pair(
                name: "pristine/\(name)", json: "\(folder)/pristine-fhir-test-cases/json/\(name).json",
                xml: "\(folder)/pristine-fhir-test-cases/xml/\(name).xml"))
        }
        return pairs
    }

    @Test func corpusHasTheExpectedPairs() throws {
        guard let pairs = try Self.pairs() else { return }
        #expect(pairs.count == 194 + 7)
    }

    @Test func xmlReadsAsTheOfficialJSON() throws {
        guard let pairs = try Self.pairs() else { return }
        var failures: [String] = []
        var exact = 0
        for pair in pairs {
            let expected = XMLTestSupport.withoutTestLabel(try XMLTestSupport.readJSON(pair.json))
            let actual: FHIRElement
            do {
                actual = XMLTestSupport.withoutTestLabel(try FHIRXMLReader(options: .init(source: pair.xml)).read(FileBytes.read(path: pair.xml)))
            } catch {
                failures.append("\(pair.name): \(error)")
                continue
            }
            if let difference = XMLTestSupport.difference(expected, actual) {
                failures.append("\(pair.name): \(difference)")
            } else {
                exact += 1
            }
        }
        print("XML -> JSON: \(exact)/\(pairs.count) equal the official JSON")
        for failure in failures { print("  DIFF \(failure)") }
        #expect(failures.isEmpty)
    }

    @Test func jsonWritesSchemaValidXMLThatReadsBack() throws {
        guard let pairs = try Self.pairs(), let schema = try SharedData.path("fhir/r4/xsd/fhir-single.xsd") else { return }
        let directory = try XMLTestSupport.temporaryDirectory("corpus")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var failures: [String] = []
        var written: [String: String] = [:]
        for pair in pairs {
            do {
                let tree = try XMLTestSupport.readJSON(pair.json)
                let xml = try FHIRXMLWriter(version: .r4).write(tree)
                let file = "\(directory)/\(pair.name.replacingOccurrences(of: "/", with: "-")).xml"
                try Data(xml).write(to: URL(fileURLWithPath: file))
                written[file] = pair.name
                let back = try FHIRXMLReader().read(xml)
                if let difference = XMLTestSupport.difference(tree, back) {
                    failures.append("\(pair.name): JSON -> XML -> JSON: \(difference)")
                }
            } catch {
                failures.append("\(pair.name): \(error)")
            }
        }
        if let xmllint = try XMLTestSupport.xmllint() {
            let invalid = try XMLTestSupport.validate(written.keys.sorted(), schema: schema, xmllint: xmllint)
            for (file, messages) in invalid.sorted(by: { $0.key < $1.key }) {
                failures.append("\(written[file]!): XSD: \(messages.prefix(3).joined(separator: " | "))")
            }
            print("JSON -> XML: \(written.count - invalid.count)/\(pairs.count) validate against fhir-single.xsd")
        }
        for failure in failures { print("  FAIL \(failure)") }
        #expect(failures.isEmpty)
    }
}
