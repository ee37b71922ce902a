@testable import Bridge
import FHIRModel
import Testing

/// A template copied for one chunk of records (`EmitTemplate.unshared`) fills every record as the original does, and
/// its strings and constants are its own (so the cores filling chunks do not write each other's reference counts).
@Suite struct EmitTemplateUnsharedTests {
    @Test func anUnsharedTemplateFillsRecordsAsTheOriginalDoes() throws {
        let mapping = try #require(MappingStage.run(paths: [MappingLoaderTests.defaultMapping], diagnostics: DiagnosticsCollector()))
        #expect(!mapping.spec.emits.all.isEmpty)
        for emit in mapping.spec.emits.all {
            let template = EmitTemplate(declaration: emit, extensionBase: mapping.spec.extensionBase)
            let copy = template.unshared()
            // Every field a template reads, with varied values (and one left out), and references that resolve or not.
            let fields = template.recordKeys.keys.sorted()
            for variant in 0..<3 {
                var record = FHIRObject()
                for (index, field) in fields.enumerated() where (index + variant) % 5 != 0 {
                    record.appendUnchecked(key: field, value: index % 3 == 0 ? .number(FHIRNumber(unchecked: "\(index + variant)")) : .string("v\(variant)-\(field)-a-value-longer-than-fifteen-bytes"))
                }
                let element = FHIRElement.object(record)
                let reference: (String, String) -> String? = { link, key in variant == 2 ? nil : "Type/\(link)-\(key)" }
                var missingOriginal = 0
                var missingCopy = 0
                let id = template.id(for: element, study: "SDY1")
                #expect(copy.id(for: element, study: "SDY1") == id)
                let original = template.instantiate(record: element, study: "SDY1", id: id, reference: reference, missingReferences: &missingOriginal)
                let unshared = copy.instantiate(record: element, study: "SDY1", id: id, reference: reference, missingReferences: &missingCopy)
                #expect(unshared == original, "\(emit.name.value)")
                #expect(missingCopy == missingOriginal)
            }
        }
    }

    @Test func anUnsharedTreeIsEqualAndHoldsNoneOfTheOriginalsStrings() throws {
        let tree = try FHIRJSONReader().read(
            #"{"meta":{"source":"https://www.immport.org/shared-data/api","tag":[{"system":"urn:immport-bridge:source","code":"shared-data-api-of-immport"}]},"n":[1.50,true,null,"short"]}"#)
        let copy = tree.unshared
        #expect(copy == tree)
        func address(_ text: String) -> UnsafePointer<UInt8>? { text.utf8.withContiguousStorageIfAvailable { $0.baseAddress } ?? nil }
        let source = try #require(tree["meta"]?["source"]?.stringValue)
        let copiedSource = try #require(copy["meta"]?["source"]?.stringValue)
        #expect(address(source) != address(copiedSource))
        let long = "a string well past the fifteen bytes held inline"
        #expect(address(long.unshared) != address(long))
    }
}
