import Bridge
import FHIRModel
import Foundation
import Testing
import TestSupport

@Suite struct MappingLoaderTests {
    static let defaultMapping = SharedData.packageRoot + "/Mappings/immport.yaml"

    @Test func theDefaultMappingCompilesWithoutAnyDiagnostic() throws {
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [Self.defaultMapping], diagnostics: diagnostics))
        #expect(diagnostics.diagnostics.isEmpty, "\(diagnostics.diagnostics.map(\.description))")
        #expect(mapping.name == "immport")
        #expect(mapping.fhirVersion == .r5)
        #expect(mapping.spec.files.count == 3)
        // Links whose key reads another link's result come after it.
        let order = mapping.links.map(\.name)
        #expect(try #require(order.firstIndex(of: "specimens")) < #require(order.firstIndex(of: "labResults")))
        #expect(try #require(order.firstIndex(of: "practitioners")) < #require(order.firstIndex(of: "roles")))
        #expect(Set(mapping.spec.emits.names) == ["elisa", "hai", "neutAbTiter", "mbaa", "elispot", "adverseEvents", "files"])
    }

    /// A site mapping file in `directory`: named `name`, including the default mapping, with `links` (YAML of the
    /// links it redefines, indented as under `links:`).
    static func site(_ name: String, links: String, in directory: TemporaryDirectory) throws -> String {
        try directory.file("site.yaml", "mapping: \(name)\ninclude:\n  - \(defaultMapping)\nlinks:\n" + links)
    }

    /// A site includes the default, replaces one link by name and removes another, with no Swift change.
    @Test func aSiteOverrideReplacesOneLinkAndKeepsTheRest() throws {
        let directory = try TemporaryDirectory()
        let site = try Self.site(
            "example-site",
            links: """
              patients:
                fhir: { resourceType: Patient }
                sharedData: { endpoint: demographics }
                key:
                  - sharedData: subjectAccession
                    fhir:
                      - identifier: https://example.org/our-subject-ids
                fields:
                  sex:
                    fhir: gender
                    sharedData: gender
                    transform: { sharedData: [{ codeMap: sex }] }
                    severity: warning
              labPanels: { disabled: true }

            """, in: directory)
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [site], diagnostics: diagnostics))
        #expect(diagnostics.diagnostics.isEmpty, "\(diagnostics.diagnostics.map(\.description))")
        #expect(mapping.name == "example-site")
        let defaultDiagnostics = DiagnosticsCollector()
        let original = try #require(MappingStage.run(paths: [Self.defaultMapping], diagnostics: defaultDiagnostics))
        // Same links in the same order, less the removed one.
        #expect(mapping.spec.links.names == original.spec.links.names.filter { $0 != "labPanels" })
        let patients = try #require(mapping.links.first { $0.name == "patients" })
        #expect(patients.fields.map(\.declaration.name.value) == ["sex"])
        #expect(patients.fields[0].declaration.severity.value == .warning)
        guard case .identifier(let system) = patients.declaration.key[0].alternatives[0].value else {
            Issue.record("the override's key is not the identifier alternative")
            return
        }
        #expect(system == "https://example.org/our-subject-ids")
        // Untouched links are the default's.
        let study = try #require(mapping.links.first { $0.name == "study" })
        #expect(study.fields.map(\.declaration.name.value) == ["title", "start", "end", "enrollment"])
        #expect(MappingExplanation.markdown(mapping).contains("identifier of system `https://example.org/our-subject-ids`"))
    }

    @Test func explainListsEveryFieldOfTheDefaultMapping() throws {
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [Self.defaultMapping], diagnostics: diagnostics))
        let markdown = MappingExplanation.markdown(mapping)
        let lines = markdown.split(separator: "\n")
        for link in mapping.links {
            for field in link.fields {
                let prefix = "| \(link.name) | \(field.declaration.name.value) | "
                #expect(lines.filter { $0.hasPrefix(prefix) }.count == 1, "no single row for \(prefix)")
            }
        }
        #expect(markdown.contains("| patients | sex | `gender` | `gender` | Shared Data: trim, codeMap(sex) | exact | error | keep-fhir |"))
    }

    @Test func nearestNameSuggestsOnlyCloseNames() {
        #expect(NearestName.suggestion(for: "lniks", among: ["links", "codeMaps", "emit"]) == "links")
        #expect(NearestName.suggestion(for: "cardinalty", among: ["cardinality", "duplicates"]) == "cardinality")
        #expect(NearestName.suggestion(for: "zzzz", among: ["links", "emit"]) == nil)
        #expect(NearestName.hint(for: "Patinet", among: ["Patient", "Practitioner"]) == " (did you mean 'Patient'?)")
    }
}
