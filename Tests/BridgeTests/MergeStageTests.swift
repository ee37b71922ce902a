import Bridge
import FHIRModel
import ImmPortAPI
import Testing
import TestSupport

@Suite struct MergeStageTests {
    static func merged() throws -> (StudyBundle, DiagnosticsCollector) {
        let (linked, diagnostics) = try LinkStageTests.linked()
        let options = MergeStage.Options(fhirSource: "Fixtures/fhir", sharedDataSource: "Fixtures/shared-data")
        return (try MergeStage.run(linked, options: options, diagnostics: diagnostics), diagnostics)
    }

    @Test func theMergedBundleIsValidR5() throws {
        let (study, _) = try Self.merged()
        let bundle = study.bundle(type: .collection, base: "https://fhir.immport.org/fhir")
        let problems = FHIRValidator(definitions: .r5).validate(bundle).filter { $0.severity == .error }
        #expect(problems.isEmpty, "\(problems.prefix(10).map(\.description))")
        let transaction = study.bundle(type: .transaction, base: "https://fhir.immport.org/fhir")
        #expect(FHIRValidator(definitions: .r5).validate(transaction).filter { $0.severity == .error }.isEmpty)
    }

    /// The streamed Provenance's pieces are the bytes of its tree: targets past one piece's 64 KiB, and a source
    /// whose text needs escaping.
    @Test func aStreamedProvenanceWritesItsTreesBytes() throws {
        let (linked, _) = try LinkStageTests.linked()
        var options = MergeStage.Options(fhirSource: "Fixtures/\"fhir\"\\ \u{1}", sharedDataSource: "Fixtures/shared-data")
        options.chunkSize = 2
        var provenances: [StudyProvenance] = []
        _ = try MergeStage.stream(linked, options: options, diagnostics: DiagnosticsCollector()) { output in
            if case .provenance(let provenance) = output { provenances.append(provenance) }
        }
        #expect(provenances.map(\.id) == ["SDY99901-provenance-fhir", "SDY99901-provenance-shared-data"])
        let many = StudyProvenance(id: "p", source: "s", recorded: "2026-01-01T00:00:00Z") { each in
            // One target needs escaping (a pulled id can be anything).
            for index in 0..<5_000 {
                var target = index == 4_000 ? "Observation/o-\"\\\u{1}é" : "Observation/o-\(index)"
                try target.withUTF8 { try each($0) }
            }
        }
        let none = StudyProvenance(id: "none", source: "s", recorded: "2026-01-01T00:00:00Z") { _ in }
        for provenance in provenances + [many, none] {
            var streamed: [UInt8] = []
            var pieces = 0
            try provenance.writeJSON { streamed += $0; pieces += 1 }
            let tree = FHIRJSONWriter().write(try provenance.element())
            #expect(streamed == tree, "\(provenance.id)")
            if provenance.id == "p" {
                let targets = try provenance.element()["target"]?.arrayValue?.count
                #expect(pieces > 1 && targets == 5_000)
            }
            // Pretty, as a Bundle entry's resource (nested three levels) or alone.
            for indent in [0, 3] {
                var pretty: [UInt8] = []
                try provenance.writePrettyJSON(indent: indent) { pretty += $0 }
                var expected: [UInt8] = []
                FHIRJSONWriter(pretty: true).write(try provenance.element(), indent: indent, into: &expected)
                #expect(pretty == expected, "\(provenance.id), pretty at \(indent)")
            }
        }
    }

    /// An emitted resource whose id a pulled resource of its type already has is left out with a warning (the
    /// study never holds one key twice; before, the NDJSON writer dropped it silently).
    @Test func anEmittedIdTakenByAPulledResourceIsLeftOutAndSaid() throws {
        let (linked, _) = try LinkStageTests.linked()
        let options = MergeStage.Options(fhirSource: "f", sharedDataSource: "s")
        let plain = try MergeStage.run(linked, options: options, diagnostics: DiagnosticsCollector())
        let pulledKeys = Set(linked.pulled.fhir.keys)
        let emitted = try #require(plain.resources.first { resource in
            FHIRResourceKey(resource: resource).map { !pulledKeys.contains($0) } == true && resource.resourceType == "Observation"
        })
        // The same study pulled with that resource too, then linked (a link's pairs name their resources by place in
        // the collection it linked, so the collection is not changed after the link).
        var pulled = linked.pulled
        pulled.fhir.add(emitted)
        let diagnostics = DiagnosticsCollector()
        let clashing = try LinkStage.run(pulled, mapping: linked.mapping, diagnostics: DiagnosticsCollector())
        let merged = try MergeStage.run(clashing, options: options, diagnostics: diagnostics)
        let key = try #require(FHIRResourceKey(resource: emitted))
        let holding = merged.resources.filter { FHIRResourceKey(resource: $0) == key }
        // The pulled copy (tagged again as pulled), not the record's.
        #expect(holding.count == 1 && holding.first?["meta"]?["tag"]?.arrayValue?.last?["code"] == "fhir")
        #expect(diagnostics.diagnostics.contains { $0.message.contains("the id \(key.id) is a pulled Observation's") })
        #expect(merged.resources.count == plain.resources.count)
    }

    @Test func twoRunsGiveTheSameBytes() throws {
        let writer = FHIRJSONWriter()
        var first: [UInt8] = []
        var second: [UInt8] = []
        writer.write(try Self.merged().0.bundle(type: .collection, base: "b"), into: &first)
        writer.write(try Self.merged().0.bundle(type: .collection, base: "b"), into: &second)
        #expect(first == second)
        #expect(first.count > 10_000)
    }

    /// The merge spreads resources and emitted records over every core in chunks: one resource per chunk (many
    /// jobs, dealt to several workers) gives the bytes of one chunk for everything (the plain loop).
    @Test func anyChunkSizeGivesTheSameBytes() throws {
        let (linked, _) = try LinkStageTests.linked()
        var bytes: [[UInt8]] = []
        for chunkSize in [1, 3, 1_000_000] {
            var options = MergeStage.Options(fhirSource: "Fixtures/fhir", sharedDataSource: "Fixtures/shared-data")
            options.chunkSize = chunkSize
            var out: [UInt8] = []
            FHIRJSONWriter().write(try MergeStage.run(linked, options: options, diagnostics: DiagnosticsCollector()).bundle(type: .collection, base: "b"), into: &out)
            bytes.append(out)
        }
        #expect(bytes[0] == bytes[2])
        #expect(bytes[1] == bytes[2])
        #expect(bytes[2].count > 10_000)
    }

    /// An export keeps pairs' keys only for the links a later link or an emit reads them through
    /// (`CompiledMapping.linksWhoseKeysAreRead`): merged, the study is the same bytes as with every key kept, and the
    /// links left without keys are some (the Fixtures' emits reference links, so the emits' references are tested).
    @Test func pairsWithoutTheKeysNoStageReadsMergeTheSame() throws {
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [LinkStageTests.root + "/Mappings/immport.yaml"], diagnostics: diagnostics))
        let pulled = try LinkStageTests.pulledStudy(mapping)
        let kept = mapping.linksWhoseKeysAreRead
        #expect(!kept.isEmpty && kept.count < mapping.links.count)
        let options = MergeStage.Options(fhirSource: "Fixtures/fhir", sharedDataSource: "Fixtures/shared-data")
        var bytes: [[UInt8]] = []
        for keysKept in [nil, kept] {
            let linked = try LinkStage.run(pulled, mapping: mapping, diagnostics: DiagnosticsCollector(), keysKeptFor: keysKept)
            for result in linked.links { #expect(result.pairs.keepsKeys == (keysKept?.contains(result.name) ?? true)) }
            var out: [UInt8] = []
            FHIRJSONWriter().write(try MergeStage.run(linked, options: options, diagnostics: DiagnosticsCollector()).bundle(type: .collection, base: "b"), into: &out)
            bytes.append(out)
        }
        #expect(bytes[0] == bytes[1])
        #expect(bytes[0].count > 10_000)
    }

    /// Emitted resources come out in definition order, whether their template is written in order (filled as it
    /// is) or not (ELISA's extension comes last: the template is put in order once). A merged resource gains each
    /// new member at its place and keeps the server's order for everything else, as an unchanged one does: the
    /// Fixtures' Groups list `characteristic` before `quantity` (out of definition order), and keep it.
    @Test func emittedResourcesAreInDefinitionOrderAndMergedOnesKeepTheServersOrder() throws {
        let (linked, _) = try LinkStageTests.linked()
        let (study, _) = try Self.merged()
        let order = FHIRCanonicalOrder(definitions: .r5)
        func tagged(_ code: String) -> [FHIRElement] {
            study.resources.filter { resource in (resource["meta"]?["tag"]?.arrayValue ?? []).contains { $0["code"]?.stringValue == code } }
        }
        let emitted = tagged("shared-data")
        let outOfOrder = emitted.filter { order.reorder($0) != $0 }.map { "\($0.resourceType ?? "")/\($0["id"]?.stringValue ?? "")" }
        #expect(outOfOrder.isEmpty)
        #expect(emitted.contains { ($0["id"]?.stringValue ?? "").contains("-elisa-") })
        #expect(emitted.contains { $0.resourceType == "AdverseEvent" || $0.resourceType == "DocumentReference" })

        func keys(_ resource: FHIRElement) -> [String] { resource.objectValue?.map(\.key) ?? [] }
        func inOrder(_ resource: FHIRElement) -> Bool {
            let ranks = keys(resource).map { order.slot(of: $0, inType: resource.resourceType ?? "")?.rank ?? Int.max }
            return ranks == ranks.sorted()
        }
        let merged = tagged("merged")
        #expect(!merged.isEmpty)
        for resource in merged {
            let key = try #require(FHIRResourceKey(resource: resource))
            let pulled = try #require(try linked.pulled.fhir.resource(key))
            // The server's members, in the server's order, and untouched but for what the merge adds to.
            #expect(keys(resource).filter(keys(pulled).contains) == keys(pulled), "\(key)")
            for member in keys(pulled) where !["meta", "identifier", "extension"].contains(member) {
                #expect(resource[member] == pulled[member], "\(key) \(member)")
            }
            // What it adds goes to its place: a resource the server sent in order stays in order.
            if inOrder(pulled) { #expect(inOrder(resource), "\(key)") }
        }
        let groups = merged.filter { $0.resourceType == "Group" }
        #expect(groups.contains { keys($0).firstIndex(of: "characteristic")! < keys($0).firstIndex(of: "quantity")! })
        #expect(merged.contains { resource in inOrder(resource) && keys(resource).contains("identifier") })
    }

    /// A site mapping that redefines `patients` to resolve the sex field's conflicts under `policy`.
    static func conflictSite(policy: String, in directory: TemporaryDirectory) throws -> String {
        try MappingLoaderTests.site(
            "conflict-site",
            links: """
              patients:
                fhir: { resourceType: Patient }
                sharedData: { endpoint: demographics }
                key:
                  - sharedData: subjectAccession
                    normalise: [trim, upper]
                    fhir:
                      - identifier: https://www.immport.org/subject
                      - identifier: any
                fields:
                  sex:
                    fhir: Patient.gender
                    sharedData: gender
                    transform: { sharedData: [trim, { codeMap: sex }] }
                    onConflict: \(policy)
                merge:
                  - identifier: { system: "https://www.immport.org/subject", value: subjectAccession }

            """, in: directory)
    }

    /// A site that wants Shared Data's sex where the two sides differ says `onConflict: prefer-shared-data`; one that
    /// wants both says `keep-both` (FHIR's value stays; Shared Data's goes in an extension on the element). In the
    /// Fixtures SUB9990103 is male in FHIR and "Female" in Shared Data (Fixtures/discrepancies.json); the other
    /// Patients agree and are left as they are.
    @Test(arguments: ["prefer-shared-data", "keep-both"]) func aFieldsConflictPolicyDecidesWhatTheMergeWrites(_ policy: String) throws {
        let directory = try TemporaryDirectory()
        let site = try Self.conflictSite(policy: policy, in: directory)
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [site], diagnostics: diagnostics))
        #expect(diagnostics.diagnostics.isEmpty, "\(diagnostics.diagnostics.map(\.description))")
        let linked = try LinkStage.run(try LinkStageTests.pulledStudy(mapping), mapping: mapping, diagnostics: diagnostics)
        let study = try MergeStage.run(linked, options: MergeStage.Options(fhirSource: "f", sharedDataSource: "s"), diagnostics: diagnostics)
        func patient(_ id: String) throws -> FHIRElement {
            try #require(study.resources.first { $0.resourceType == "Patient" && $0["id"]?.stringValue == id })
        }
        let conflicting = try patient("subject-SUB9990103")
        let agreeing = try patient("subject-SUB9990101")
        let url = "https://github.com/immport-bridge/fhir/StructureDefinition/shared-data-value"
        if policy == "prefer-shared-data" {
            #expect(conflicting["gender"]?.stringValue == "female")
            #expect(conflicting["_gender"] == nil)
            #expect(diagnostics.diagnostics.contains { $0.message.hasSuffix("field sex: 1 conflict(s) resolved with the Shared Data value (prefer-shared-data)") })
        } else {
            #expect(conflicting["gender"]?.stringValue == "male")
            let extensions = conflicting["_gender"]?["extension"]?.arrayValue ?? []
            #expect(extensions.count == 1)
            #expect(extensions.first?["url"]?.stringValue == url && extensions.first?["valueString"]?.stringValue == "Female")
            #expect(diagnostics.diagnostics.contains { $0.message.hasSuffix("field sex: 1 conflict(s) kept both values (keep-both)") })
        }
        #expect(agreeing["gender"]?.stringValue == "female" && agreeing["_gender"] == nil)
        // What it wrote is traced: the resource is tagged merged, and the merge kept `_gender` at its place.
        #expect((conflicting["meta"]?["tag"]?.arrayValue ?? []).contains { $0["code"]?.stringValue == "merged" })
        let keys = conflicting.objectValue?.map(\.key) ?? []
        #expect(keys == keys.sorted { (FHIRCanonicalOrder(definitions: .r5).slot(of: $0, inType: "Patient")?.rank ?? .max) < (FHIRCanonicalOrder(definitions: .r5).slot(of: $1, inType: "Patient")?.rank ?? .max) })
        let bundle = study.bundle(type: .collection, base: "https://fhir.immport.org/fhir")
        #expect(FHIRValidator(definitions: .r5).validate(bundle).filter { $0.severity == .error }.isEmpty)
    }

    /// A fill writes a primitive FHIR lacks, reached through single elements: into an object FHIR has (after its
    /// members, in definition order) or one it creates; never over FHIR's value; and a record value that is no valid
    /// value of the element is left out and said. SDY99901's ResearchStudy has `primaryPurposeType` (codings, no
    /// text), a `description`, and no `phase` or `date`.
    @Test func aFillWritesAPrimitiveReachedThroughSingleElements() throws {
        let directory = try TemporaryDirectory()
        let site = try Self.fillSite(in: directory)
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [site], diagnostics: diagnostics))
        #expect(diagnostics.diagnostics.isEmpty, "\(diagnostics.diagnostics.map(\.description))")
        let linked = try LinkStage.run(try LinkStageTests.pulledStudy(mapping), mapping: mapping, diagnostics: diagnostics)
        let study = try MergeStage.run(linked, options: MergeStage.Options(fhirSource: "f", sharedDataSource: "s"), diagnostics: diagnostics)
        let merged = try #require(study.resources.first { $0.resourceType == "ResearchStudy" && $0["id"]?.stringValue == "study-SDY99901" })

        let purpose = try #require(merged["primaryPurposeType"]?.objectValue)
        #expect(purpose.map(\.key) == ["coding", "text"])
        #expect(purpose["text"]?.stringValue == "Synthetic fixture: two-dose vaccine response")
        #expect(merged["phase"]?.objectValue?.map(\.key) == ["text"])
        #expect(merged["phase"]?["text"]?.stringValue == "Antibody titres at day 28")
        #expect(merged["description"]?.stringValue == "SYNTHETIC study for immport-bridge tests. Not ImmPort data.")
        #expect(merged["date"] == nil)
        #expect(diagnostics.diagnostics.contains {
            $0.severity == .warning && $0.message == "study SDY99901: link study merge fill date: 1 Shared Data value(s) are not a valid dateTime; left absent"
        })
        let order = FHIRCanonicalOrder(definitions: .r5)
        let keys = merged.objectValue?.map(\.key) ?? []
        #expect(keys == keys.sorted { (order.slot(of: $0, inType: "ResearchStudy")?.rank ?? .max) < (order.slot(of: $1, inType: "ResearchStudy")?.rank ?? .max) })
        #expect((merged["meta"]?["tag"]?.arrayValue ?? []).contains { $0["code"]?.stringValue == "merged" })
        let bundle = study.bundle(type: .collection, base: "https://fhir.immport.org/fhir")
        #expect(FHIRValidator(definitions: .r5).validate(bundle).filter { $0.severity == .error }.isEmpty)
    }

    /// A site mapping whose study link fills four elements (`aFillWritesAPrimitiveReachedThroughSingleElements`).
    static func fillSite(in directory: TemporaryDirectory) throws -> String {
        try MappingLoaderTests.site(
            "fill-site",
            links: """
              study:
                fhir: { resourceType: ResearchStudy }
                sharedData: { endpoint: study }
                key:
                  - sharedData: studyAccession
                    normalise: [trim, upper]
                    fhir:
                      - identifier: any
                merge:
                  - fill: { element: primaryPurposeType.text, from: briefTitle }
                  - fill: { element: phase.text, from: endpoints }
                  - fill: { element: description, from: briefTitle }
                  - fill: { element: date, from: briefTitle }

            """, in: directory)
    }

    /// A resource that holds something other than an object where a fill's path goes on (`"phase": "x"`, which
    /// the definitions refuse) is left as it is, and the run says so: nothing is written over it, nothing silently.
    @Test func aFillBlockedByANonObjectOnTheWayIsLeftAndSaid() throws {
        let diagnostics = DiagnosticsCollector()
        let directory = try TemporaryDirectory()
        let mapping = try #require(MappingStage.run(paths: [try Self.fillSite(in: directory)], diagnostics: diagnostics))
        let pulled = try LinkStageTests.pulledStudy(mapping)
        var fhir = FHIRResourceCollection()
        try pulled.fhir.forEachResource { _, resource in
            guard resource.resourceType == "ResearchStudy", case .object(var study) = resource else {
                fhir.add(resource)
                return
            }
            study["phase"] = "x"
            fhir.add(.object(study))
        }
        let linked = try LinkStage.run(
            PulledStudy(accession: pulled.accession, fhir: fhir, sharedData: pulled.sharedData), mapping: mapping, diagnostics: diagnostics)
        let study = try MergeStage.run(linked, options: MergeStage.Options(fhirSource: "f", sharedDataSource: "s"), diagnostics: diagnostics)
        let merged = try #require(study.resources.first { $0.resourceType == "ResearchStudy" && $0["id"]?.stringValue == "study-SDY99901" })
        #expect(merged["phase"] == "x")
        #expect(merged["primaryPurposeType"]?["text"] != nil)
        #expect(diagnostics.diagnostics.contains {
            $0.severity == .warning
                && $0.message == "study SDY99901: link study merge fill phase.text: 1 resource(s) hold something other than an object on the way to the element; left as they are"
        })
    }

    @Test func linkedResourcesGainWhatTheMappingAddsAndSayWhereTheyCameFrom() throws {
        let (study, _) = try Self.merged()
        let patient = try #require(study.resources.first { $0.resourceType == "Patient" && $0["id"]?.stringValue == "subject-SUB9990101" })
        let identifiers = patient["identifier"]?.arrayValue ?? []
        #expect(identifiers.contains { $0["system"]?.stringValue == "https://www.immport.org/subject" && $0["value"]?.stringValue == "SUB9990101" })
        let species = (patient["extension"]?.arrayValue ?? []).first { $0["url"]?.stringValue == "https://github.com/immport-bridge/fhir/StructureDefinition/species" }
        #expect(species?["valueString"]?.stringValue == "Homo sapiens")
        let tags = patient["meta"]?["tag"]?.arrayValue ?? []
        #expect(tags.contains { $0["system"]?.stringValue == MergeStage.sourceTagSystem && $0["code"]?.stringValue == "merged" })
        #expect(patient["meta"]?["source"]?.stringValue == "Fixtures/fhir")
        // The unlinked Patient is kept as pulled.
        let alone = try #require(study.resources.first { $0["id"]?.stringValue == "subject-SUB9990106" })
        #expect((alone["meta"]?["tag"]?.arrayValue ?? []).contains { $0["code"]?.stringValue == "fhir" })
    }

    @Test func assayResultsAndFilesAreEmittedWithReferencesToLinkedResources() throws {
        let (study, _) = try Self.merged()
        let elisa = study.resources.filter { ($0["id"]?.stringValue ?? "").hasPrefix("SDY99901-elisa-") }
        #expect(elisa.count == 6)
        let first = try #require(elisa.first { $0["id"]?.stringValue == "SDY99901-elisa-9990001" })
        #expect(first["subject"]?["reference"]?.stringValue == "Patient/subject-SUB9990101")
        #expect(first["specimen"]?["reference"]?.stringValue == "Specimen/specimen-BS99901012")
        #expect(first["valueQuantity"]?["value"]?.numberValue?.text == "0.50")  // the literal text, as the API sent it
        // SUB9990107 exists only in the Shared Data API: its result is emitted without a subject.
        #expect(study.summary.referencesLeftOut > 0)
        let file = try #require(study.resources.first { $0.resourceType == "DocumentReference" })
        let attachment = file["content"]?[0]?["attachment"]
        #expect(attachment?["url"]?.stringValue == "drs://www.immport.org/00000000-0000-4000-8000-000000099901")
        #expect(attachment?["size"]?.stringValue == "2048")
        let provenance = study.resources.filter { $0.resourceType == "Provenance" }
        #expect(provenance.count == 2)
    }

    /// `MergeStage.run` with `writesResources` (which the NDJSON export streams with) gives the Bundle the
    /// plain merge gives: the written resources read back to the same trees.
    @Test func aMergeThatWritesItsResourcesGivesThePlainBundle() throws {
        let (linked, _) = try LinkStageTests.linked()
        var options = MergeStage.Options(fhirSource: "f", sharedDataSource: "s")
        let plain = try MergeStage.run(linked, options: options, diagnostics: DiagnosticsCollector())
        options.writesResources = true
        let written = try MergeStage.run(linked, options: options, diagnostics: DiagnosticsCollector())
        #expect(written.resources == plain.resources)
        #expect(written.resources.count > 40)
    }
}
