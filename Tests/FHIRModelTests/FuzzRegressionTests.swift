import Foundation
@testable import FHIRModel
import Testing
import TestSupport

/// Inputs the fuzzers (fuzz/, docs/fuzzing.md) found, kept in Tests/FHIRModelTests/Regressions/<fuzz target>/ and
/// replayed here with what each must give now; `fuzz/run.sh --smoke` replays them through the fuzz targets too.
@Suite struct FuzzRegressionTests {
    static let folder = SharedData.packageRoot + "/Tests/FHIRModelTests/Regressions"

    static func inputs(_ target: String) -> [String] {
        (DirectoryListing.names(in: "\(folder)/\(target)") ?? []).map { "\(folder)/\(target)/\($0)" }
    }

    /// Every input of `target` (its first byte the fuzz target's option byte, bit 0: R5) is refused by the XML
    /// writer with a message holding `words` and naming the element.
    static func expectXMLWriterRefuses(_ target: String, saying words: String) throws {
        let files = inputs(target)
        #expect(files.count >= 2, "\(target)")
        for path in files {
            let input = try FileBytes.read(path: path)
            let version: FHIRVersion = input[0] & 1 == 0 ? .r4 : .r5
            let tree = try FHIRJSONReader().read(Array(input.dropFirst()))
            let error = #expect(throws: FHIRXMLError.self, "\(path)") { try FHIRXMLWriter(version: version).write(tree) }
            #expect(error?.description.contains(words) == true, "\(String(describing: error))")
            #expect(error?.location != nil, "\(path): the error names no element")
        }
    }

    /// JSON strings may hold U+FFFE and U+FFFF, XML 1.0 may not: the XML writer used to write them into a document
    /// its own reader (libxml2) then refused. It now refuses them, naming the element.
    @Test func theXMLWriterRefusesNoncharactersItCannotCarry() throws {
        try Self.expectXMLWriterRefuses("json-xml-roundtrip", saying: "cannot carry")
    }

    @Test func noncharactersAreNamedWithTheirElement() throws {
        let patient = try FHIRJSONReader().read(#"{"resourceType":"Patient","name":[{"family":"a\uffff"}]}"#)
        let error = #expect(throws: FHIRXMLError.self) { try FHIRXMLWriter().write(patient) }
        #expect(error?.location == "Patient.name.family")
        #expect(error?.description.contains("U+FFFF") == true)
        // The rest of U+F000-U+FFFD is written and read back as it was.
        let fine = try FHIRJSONReader().read(#"{"resourceType":"Patient","name":[{"family":"\uf000\ufffd\uefff"}]}"#)
        #expect(try FHIRXMLReader().read(FHIRXMLWriter().write(fine)) == fine)
    }

    /// A decimal where the element is a whole number (`"multipleBirthInteger": 2.0`) was written as `value="2.0"`,
    /// which the XML reader (and the XSD) refuse: the writer now refuses it, naming the element.
    @Test func wholeNumbersWrittenAsDecimalsAreRefusedByTheXMLWriter() throws {
        try Self.expectXMLWriterRefuses("json-xml-roundtrip-whole-numbers", saying: "whole number")
    }

    /// NDJSON lines after the first starting with a byte order mark: the reader refuses them (a BOM belongs at the
    /// start of a file), at their line; the fuzz target first took that for a disagreement with the JSON reader,
    /// which accepts a BOM opening a whole document. The first input byte is the target's chunk-size byte.
    @Test func aByteOrderMarkOpeningALaterNDJSONLineIsRefusedAtItsLine() throws {
        let files = Self.inputs("ndjson")
        #expect(files.count >= 2)
        for path in files {
            let input = try FileBytes.read(path: path)
            let lines = Array(input.dropFirst()).split(separator: 0x0A, omittingEmptySubsequences: false)
            let bomLine = try #require(lines.firstIndex { $0.starts(with: [0xEF, 0xBB, 0xBF]) }, "\(path)") + 1
            let scratch = try TemporaryDirectory()
            let file = scratch.path + "/input.ndjson"
            try Data(input.dropFirst()).write(to: URL(fileURLWithPath: file))
            var reader = try NDJSONReader(path: file)
            var refusedAt: Int?
            do { while try reader.next() != nil {} } catch let error as FHIRJSONError { refusedAt = error.line }
            #expect(refusedAt != nil && refusedAt! <= bomLine, "\(path): refused at \(String(describing: refusedAt)), BOM on line \(bomLine)")
        }
    }
}
