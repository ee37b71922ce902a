@testable import Bridge
import FHIRModel
import Foundation
import SyntheticFHIR
import Testing
import TestSupport

/// The planned R5 -> R4 walk (`R5ToR4Plan`, `R5ToR4Converter+Planned`) against the general walk it stands for: the
/// same R4 resources, the same losses (locations and reasons), notes and resources left out, in the same order, on
/// the Fixtures, the merged Fixtures study, a generated study, HL7's synthetic examples, and thousands of variants of
/// them with the unusual put in (members out of order, unknown members, values of the wrong kind, arrays where R4
/// holds one value, primitives' `_name`, references and codes R4 refuses, lexical forms R4 narrows, contained
/// resources).
@Suite struct R5ToR4PlanTests {
    static let root = SharedData.packageRoot

    struct Outcome: Equatable {
        var resources: [String]
        var leftOut: [String]
        var losses: [LostElement]
        var notes: [String]
    }

    static func convert(_ resources: [FHIRElement], usesPlans: Bool, extensions: Bool) -> Outcome {
        var stage = ConvertStage(carriesCrossVersionExtensions: extensions)
        stage.usesPlans = usesPlans
        let result = stage.convert(resources, comparisonGroups: ComparisonGroupNames(resources: resources), chunkSize: 1 << 20)
        return Outcome(resources: result.resources.map { FHIRJSONWriter().string($0) }, leftOut: result.leftOut.map(\.description),
                       losses: result.losses, notes: result.notes.map(\.description))
    }

    static func expectSameAnswers(_ resources: [FHIRElement], _ what: String) {
        for extensions in [true, false] {
            let general = convert(resources, usesPlans: false, extensions: extensions)
            let planned = convert(resources, usesPlans: true, extensions: extensions)
            expectSame(planned.resources, general.resources, "\(what): resources (extensions \(extensions))")
            expectSame(planned.leftOut, general.leftOut, "\(what): left out")
            expectSame(planned.losses.map { "\($0)" }, general.losses.map { "\($0)" }, "\(what): losses")
            expectSame(planned.notes, general.notes, "\(what): notes")
        }
    }

    /// The first difference only: whole lists of resources make unreadable failures.
    static func expectSame(_ planned: [String], _ general: [String], _ what: String) {
        guard planned != general else { return }
        let index = (0..<min(planned.count, general.count)).first { planned[$0] != general[$0] } ?? min(planned.count, general.count)
        let window = max(0, index - 2)...(index + 2)
        Issue.record("""
            \(what), first difference at \(index) of \(planned.count) / \(general.count):
            planned \(window.map { planned[safe: $0] ?? "-" }.joined(separator: "\n        "))
            general \(window.map { general[safe: $0] ?? "-" }.joined(separator: "\n        "))
            """)
    }

    static func fixtureResources() throws -> [FHIRElement] {
        let directory = root + "/Fixtures/fhir"
        return try (DirectoryListing.names(in: directory, withSuffix: ".json") ?? []).sorted().map {
            try FHIRJSONReader().read(FileBytes.read(path: directory + "/" + $0))
        }
    }

    static func generatedResources() throws -> [FHIRElement] {
        let temporary = try TemporaryDirectory()
        // SYNTHETIC: the generated study, small enough for a debug build.
        try SyntheticImmPortStudy(subjects: 24, fhirLayout: .ndjson).write(to: temporary.path + "/study")
        let directory = temporary.path + "/study/fhir"
        var resources: [FHIRElement] = []
        for name in (DirectoryListing.names(in: directory, withSuffix: ".ndjson") ?? []).sorted() {
            try FHIRResourceInput(path: directory + "/" + name).forEachResource { resource, _ in resources.append(resource) }
        }
        return resources
    }

    @Test func theFixturesConvertAlikeBothWays() throws {
        let fixtures = try Self.fixtureResources()
        #expect(fixtures.count > 50)
        Self.expectSameAnswers(fixtures, "Fixtures/fhir")
        let (merged, _) = try MergeStageTests.merged()
        Self.expectSameAnswers(merged.resources, "the merged Fixtures study")
        Self.expectSameAnswers(try Self.generatedResources(), "a generated study")
    }

    @Test(.sharedData("fhir/r5/examples-synthetic/json/researchstudy-synthetic.json",
                      "fhir/r5/examples-synthetic/json/researchsubject-synthetic.json"))
    func hl7sSyntheticExamplesConvertAlikeBothWays() throws {
        let examples = try ["researchstudy-synthetic.json", "researchsubject-synthetic.json"].map {
            try FHIRJSONReader().read(FileBytes.read(path: SharedData.require("fhir/r5/examples-synthetic/json/\($0)")))
        }
        Self.expectSameAnswers(examples, "HL7's synthetic examples")
        Self.expectSameAnswers(examples.flatMap { Self.variants(of: $0, count: 40, seed: 7) }, "variants of HL7's synthetic examples")
    }

    /// Every resource of the Fixtures and a generated study, each with variants that put the unusual in.
    @Test func variantsWithTheUnusualPutInConvertAlikeBothWays() throws {
        let originals = try Self.fixtureResources() + Self.generatedResources().prefix(120)
        var seed: UInt64 = 1
        for (index, resource) in originals.enumerated() {
            seed &+= 0x9E37_79B9
            let variants = Self.variants(of: resource, count: 12, seed: seed, contained: originals[(index + 1) % originals.count])
            Self.expectSameAnswers(variants, "variants of \(resource.resourceType ?? "?")/\(resource["id"]?.stringValue ?? "?")")
        }
    }

    // MARK: variants

    /// SyntheticFHIR's seeded generator, so a failure names a variant that can be made again.
    struct Generator {
        var random: SplitMix64
        init(state: UInt64) { random = SplitMix64(seed: state) }
        mutating func below(_ n: Int) -> Int { random.int(0...max(1, n) - 1) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    /// The paths of every object in the tree (member keys and array indices from the root).
    enum Step { case key(String), index(Int) }

    static func objectPaths(_ element: FHIRElement, at path: [Step] = [], into paths: inout [[Step]]) {
        switch element {
        case .object(let object):
            paths.append(path)
            for member in object.members { objectPaths(member.value, at: path + [.key(member.key)], into: &paths) }
        case .array(let items):
            for (index, item) in items.enumerated() { objectPaths(item, at: path + [.index(index)], into: &paths) }
        default: break
        }
    }

    static func modify(_ element: inout FHIRElement, at path: ArraySlice<Step>, _ change: (inout FHIRObject) -> Void) {
        guard let step = path.first else {
            if case .object(var object) = element {
                change(&object)
                element = .object(object)
            }
            return
        }
        switch (step, element) {
        case (.key(let key), .object(var object)):
            guard var child = object[key] else { return }
            modify(&child, at: path.dropFirst(), change)
            object[key] = child
            element = .object(object)
        case (.index(let index), .array(var items)):
            guard items.indices.contains(index) else { return }
            modify(&items[index], at: path.dropFirst(), change)
            element = .array(items)
        default: return
        }
    }

    static let oddValues: [FHIRElement] = [
        .string("x"), .string("2024-13"), .string("not an instant"), .string("has spaces"), .string("12345678901234"),
        .string("entered-in-error"), .string("partial"), .string("bogus"), .number(FHIRNumber(7)), .number(FHIRNumber(-3)),
        .number(FHIRNumber(5_000_000_000)), .boolean(true), .null, .object(FHIRObject()), .array([]),
        ["reference": "Transport/1"], ["reference": "Device/9"], ["reference": "Patient/p1", "type": "Patient"],
        ["concept": ["text": "c"], "reference": ["reference": "Patient/p1"]], ["text": "t", "bogus": "b"],
    ]

    static func variants(of resource: FHIRElement, count: Int, seed: UInt64, contained: FHIRElement? = nil) -> [FHIRElement] {
        var generator = Generator(state: seed)
        var paths: [[Step]] = []
        objectPaths(resource, into: &paths)
        guard !paths.isEmpty else { return [] }
        var variants: [FHIRElement] = []
        for _ in 0..<count {
            var variant = resource
            for _ in 0...generator.below(3) {
                let path = generator.pick(paths)
                let operation = generator.below(10)
                modify(&variant, at: path[...]) { object in
                    let keys = object.keys.filter { $0 != "resourceType" }
                    switch operation {
                    case 0:
                        object["zzUnknown"] = .string("u")
                    case 1 where !keys.isEmpty:
                        let key = generator.pick(keys)
                        object[key] = generator.pick(oddValues)
                    case 2 where !keys.isEmpty:
                        // An array where one value was, or the other way round; a repeated value.
                        let key = generator.pick(keys)
                        guard let value = object[key] else { return }
                        switch generator.below(3) {
                        case 0: object[key] = .array([value])
                        case 1: object[key] = value.arrayValue?.first ?? .array([value, value])
                        default: object[key] = .array((value.arrayValue ?? [value]) + (value.arrayValue ?? [value]))
                        }
                    case 3 where !keys.isEmpty:
                        let key = generator.pick(keys)
                        object["_" + key] = generator.below(2) == 0
                            ? ["extension": [["url": "http://example.org/x", "valueString": "e"]]] : ["id": "p1"]
                    case 4:
                        object["_nothingHere"] = ["id": "alone"]
                    case 5 where !keys.isEmpty:
                        let key = generator.pick(keys)
                        if object[key]?.stringValue != nil { object[key] = generator.pick(Array(oddValues.prefix(8))) }
                    case 6:
                        object["reference"] = .string(generator.pick(["Transport/1", "Device/2", "Patient/3", "urn:uuid:1"]))
                    case 7:
                        if let contained { object["contained"] = .array([contained]) }
                    case 8:
                        // Members out of order (R4's order is put back by both walks).
                        object = FHIRObject(members: object.members.reversed())
                    default:
                        object["status"] = .string(generator.pick(["active", "bogus", "entered-in-error", "draft", "partial"]))
                    }
                }
            }
            variants.append(variant)
        }
        return variants
    }
}

private extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
