@testable import Bridge
import FHIRModel
import Testing
import TestSupport

/// An emit template written straight to JSON (`EmitTemplateWriter`, what an export's emits take) gives the bytes of
/// the tree `EmitTemplate.instantiate` makes, written: the plain path the writer stands in for.
@Suite struct EmitTemplateWriterTests {
    /// A site emit with every kind of part: constants of each kind, texts that come out empty, numbers that do not
    /// read, references that resolve or not, single and in arrays, and arrays and objects that end up empty.
    static let edges = """
        mapping: emit-edges
        include:
          - \(MappingLoaderTests.defaultMapping)
        emit:
          edges:
            endpoint: elisa
            resourceType: Observation
            id: "{study}-edge-{resultId}"
            template:
              status: final
              category:
                - coding: [{ system: "http://example.org/technique", code: "{measurementTechnique}" }]
                - text: "{comments}"
                - text: "fixed text"
              code:
                text: "{measurementTechnique} {analyteReported}"
                coding: [{ display: "{comments}" }]
              subject: { $reference: { link: patients, key: subjectAccession } }
              focus:
                - { $reference: { link: specimens, key: biosampleAccession } }
                - { $reference: { link: study, key: studyAccession } }
              effectiveDateTime: ~
              extension:
                - { url: "http://example.org/flag", valueBoolean: true }
                - { url: "http://example.org/count", valueInteger: 3 }
                - { url: "http://example.org/empty", valueString: "{comments}" }
              valueQuantity:
                value: "{$number valuePreferred}"
                unit: "{unitReported}"
              note:
                - text: "Reported value: {valueReported}"

        """

    @Test func theWriterWritesTheBytesOfTheTemplatesTree() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("site.yaml", Self.edges)
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [path], diagnostics: diagnostics), "\(diagnostics.diagnostics)")
        let order = FHIRCanonicalOrder(definitions: .r5)
        var meta = FHIRObject()
        meta.appendUnchecked(key: "source", value: .string("https://shared-data.example/\"quoted\""))
        let emits = mapping.spec.emits.all
        #expect(emits.contains { $0.name.value == "edges" })
        var compared = 0
        for emit in emits {
            let template = EmitTemplate(declaration: emit, extensionBase: mapping.spec.extensionBase).inDefinitionOrder(order)
            let type = emit.resourceType.value
            guard let writer = EmitTemplateWriter(template, resourceType: type, meta: .object(meta), inDefinitionOrder: true) else {
                #expect(template.setsMeta, "\(emit.name.value): no writer, yet it does not set meta")
                continue
            }
            let fields = template.recordKeys.keys.sorted()
            for variant in 0..<4 {
                // Every field (0), most (1, 2: some left out, numbers that do not read), none (3); texts to escape.
                var record = FHIRObject()
                for (index, field) in fields.enumerated() where variant != 3 && (variant == 0 || (index + variant) % 3 != 0) {
                    let value: FHIRElement =
                        switch index % 4 {
                        case 0: .number(FHIRNumber(unchecked: "\(index)\(variant).5"))
                        case 1: .string(variant == 2 ? "not a number" : "\(index)")
                        case 2: .string("quote \" backslash \\ tab \t é \(field)")
                        default: .string(variant == 1 ? "" : "v\(variant)-\(field)")
                        }
                    record.appendUnchecked(key: field, value: value)
                }
                let element = FHIRElement.object(record)
                let reference: @Sendable (String, String) -> String? = { link, key in variant == 2 && link != "patients" ? nil : "Type/\(link)-\(key)" }
                let id = template.id(for: element, study: "SDY1")
                var missingTree = 0
                let tree = template.instantiate(record: element, study: "SDY1", id: id, meta: .object(meta), reference: reference, missingReferences: &missingTree)
                var missingWritten = 0
                let written = writer.write(id: id, fill: EmitTemplate.fill(record: element, study: "SDY1", reference: reference), missingReferences: &missingWritten)
                let expected = FHIRJSONWriter().write(tree)
                #expect(
                    written == expected,
                    "\(emit.name.value) variant \(variant):\n\(String(decoding: written, as: UTF8.self))\n\(String(decoding: expected, as: UTF8.self))")
                #expect(missingWritten == missingTree)
                compared += 1
            }
        }
        #expect(compared >= 4 * 5)
    }

    /// A template whose tree is changed after it is made (put in order, or its own `meta` tagged) keeps the tree.
    @Test func aTemplateOutOfOrderOrSettingItsMetaHasNoWriter() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("site.yaml", Self.edges + """
              withMeta:
                endpoint: elisa
                resourceType: Observation
                id: "{study}-meta-{resultId}"
                template:
                  meta: { source: "#own" }
                  status: final
                  code: { text: "own meta" }

            """)
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [path], diagnostics: diagnostics), "\(diagnostics.diagnostics)")
        let emit = try #require(mapping.spec.emits.all.first { $0.name.value == "withMeta" })
        let template = EmitTemplate(declaration: emit, extensionBase: mapping.spec.extensionBase)
        #expect(EmitTemplateWriter(template, resourceType: "Observation", meta: nil, inDefinitionOrder: true) == nil)
        let edges = try #require(mapping.spec.emits.all.first { $0.name.value == "edges" })
        let plain = EmitTemplate(declaration: edges, extensionBase: mapping.spec.extensionBase)
        #expect(EmitTemplateWriter(plain, resourceType: "Observation", meta: nil, inDefinitionOrder: false) == nil)
        #expect(EmitTemplateWriter(plain, resourceType: "Observation", meta: nil, inDefinitionOrder: true) != nil)
    }
}
