import Foundation
import SyntheticFHIR
import Testing

@testable import FHIRModel

/// Round-trips of generated (synthetic, see Benchmarks/Generator) FHIR data. The full size (20,000 Patients and
/// 100,000 Observations) is checked in release builds by `immport-bridge-bench json-roundtrip`; here a smaller
/// cohort of the same shape keeps the debug test quick.
@Suite struct SyntheticRoundTripTests {
    static let cohort = SyntheticFHIR(patients: 2_000, observations: 10_000)

    @Test func compactWriteOfEveryGeneratedResourceIsByteIdentical() throws {
        let reader = FHIRJSONReader()
        let writer = FHIRJSONWriter()
        var documents = 0
        var mismatches: [String] = []
        var output: [UInt8] = []
        for kind in SyntheticFHIR.Kind.allCases {
            try Self.cohort.forEachDocument(of: kind) { index, resource in
                let original = MinimalJSONEncoder.encode(resource)
                let tree = try reader.read(original)
                output.removeAll(keepingCapacity: true)
                writer.write(tree, into: &output)
                if output != original || tree != resource, mismatches.count < 5 {
                    mismatches.append("\(kind.rawValue)[\(index)]")
                }
                documents += 1
            }
        }
        #expect(documents == 2_000 * 3 + 10_000 + 1 + 2)
        #expect(mismatches.isEmpty, "not byte-identical: \(mismatches)")
    }

    @Test func writerAndIndependentEncoderAgree() {
        for kind in SyntheticFHIR.Kind.allCases {
            let resource = Self.cohort.resource(kind, 0)
            #expect(FHIRJSONWriter().write(resource) == MinimalJSONEncoder.encode(resource), "\(kind)")
        }
    }

    @Test func generatedDataHasTheHardParts() throws {
        let cohort = SyntheticFHIR(patients: 300, observations: 600)
        var patients: [UInt8] = []
        var observations: [UInt8] = []
        for i in 0..<300 { MinimalJSONEncoder.encode(cohort.resource(.patient, i), into: &patients) }
        for i in 0..<600 { MinimalJSONEncoder.encode(cohort.resource(.observation, i), into: &observations) }
        let patientText = String(decoding: patients, as: UTF8.self)
        let observationText = String(decoding: observations, as: UTF8.self)
        #expect(patientText.contains(#""_given":[null,"#))
        #expect(patientText.contains(#""_birthDate":{"extension""#))
        #expect(patientText.contains(#"\"Family "#))  // escaped quote
        #expect(patientText.contains("𠮷田") || patientText.contains("Müller"))
        #expect(observationText.contains(#""value":0.000"#))
        #expect(observationText.range(of: #""value":[0-9]+\.[0-9]*0,"#, options: .regularExpression) != nil)
        #expect(observationText.range(of: #""value":[0-9.]+[eE][+]?[0-9]+,"#, options: .regularExpression) != nil)
        #expect(observationText.contains(#""value":-"#))
        #expect(observationText.contains(#"\n"#) && observationText.contains(#"\t"#) && observationText.contains(#"\\"#))
    }

    @Test func sameSeedSameBytesOtherSeedOtherBytes() {
        let a = SyntheticFHIR(patients: 50, observations: 50, seed: 7)
        let b = SyntheticFHIR(patients: 50, observations: 50, seed: 7)
        let c = SyntheticFHIR(patients: 50, observations: 50, seed: 8)
        #expect(MinimalJSONEncoder.encode(a.resource(.observation, 42)) == MinimalJSONEncoder.encode(b.resource(.observation, 42)))
        #expect(MinimalJSONEncoder.encode(a.resource(.patient, 3)) != MinimalJSONEncoder.encode(c.resource(.patient, 3)))
    }

    @Test func r5ShapesTheResourcesThatChanged() {
        let r5 = SyntheticFHIR(patients: 10, observations: 1, version: .r5)
        let subject = r5.resource(.researchSubject, 0)
        #expect(subject["subject"]?["reference"]?.stringValue == "Patient/SUB100001")
        #expect(subject["individual"] == nil)
        #expect(r5.resource(.group, 0)["membership"]?.stringValue == "enumerated")
        let r4 = SyntheticFHIR(patients: 10, observations: 1)
        #expect(r4.resource(.researchSubject, 0)["individual"]?["reference"]?.stringValue == "Patient/SUB100001")
        #expect(r4.resource(.researchStudy, 0)["enrollment"]?[0]?["reference"]?.stringValue == "Group/SDY1001-ARM1")
    }

    @Test func ndjsonStreamingYieldsTheSameDocumentsAsReadingLinesOneByOne() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("synthetic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cohort = SyntheticFHIR(patients: 1_000, observations: 3_000)
        let written = try cohort.writeNDJSON(to: directory)
        #expect(written.count == SyntheticFHIR.Kind.allCases.count)

        for kind in [SyntheticFHIR.Kind.observation, .group, .patient] {
            let path = directory + "/" + kind.fileName
            let lines = try FileBytes.read(path: path).split(separator: 0x0A, omittingEmptySubsequences: true)
            let oneByOne = try lines.map { try FHIRJSONReader().read(Array($0)) }
            // A chunk smaller than a Group line makes the line reader refill and grow its buffer.
            var streamed: [FHIRElement] = []
            var reader = try NDJSONReader(path: path, chunkSize: 4096)
            while let document = try reader.next() {
                streamed.append(document)
                #expect(reader.lineNumber == streamed.count)
            }
            #expect(streamed.count == cohort.count(of: kind))
            #expect(streamed == oneByOne, "\(kind)")
            #expect(streamed.first == cohort.resource(kind, 0))
        }
    }

    @Test func concurrentReadsGetTheirOwnScratch() async throws {
        let documents = (0..<400).map { MinimalJSONEncoder.encode(Self.cohort.resource(.observation, $0)) }
        let expected = try documents.map { try FHIRJSONReader().read($0) }
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for (document, tree) in zip(documents, expected) where try FHIRJSONReader().read(document) != tree {
                        return false
                    }
                    return true
                }
            }
            var all: [Bool] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results == Array(repeating: true, count: 8))
    }

    @Test func aFailedReadLeavesNothingBehindForTheNext() throws {
        let broken = #"{"a":[1,{"b":"c","d":[true,"#
        #expect(throws: FHIRJSONError.self) { try FHIRJSONReader().read(broken) }
        let tree = try FHIRJSONReader().read(#"{"x":[1,2],"y":{"z":null}}"#)
        #expect(FHIRJSONWriter().string(tree) == #"{"x":[1,2],"y":{"z":null}}"#)
    }

    @Test func bundleEntryHandlerMayReadOtherDocuments() throws {
        let text = #"{"resourceType":"Bundle","entry":[{"resource":{"id":"1"}},{"resource":{"id":"2"}}]}"#
        var ids: [String] = []
        _ = try Array(text.utf8).withUnsafeBytes { raw in
            try FHIRJSONReader().readBundleStreamingEntries(raw) { entry in
                let inner = try FHIRJSONReader().read(#"{"n":"\#(entry["resource"]?["id"]?.stringValue ?? "?")"}"#)
                ids.append(inner["n"]?.stringValue ?? "?")
            }
        }
        #expect(ids == ["1", "2"])
    }
}
