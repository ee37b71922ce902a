import SyntheticFHIR
import Testing
@testable import FHIRModel

/// The benchmark generator's resources, checked with the definition tables: valid in their release, byte-identical
/// through a compact read and write, in definition order after canonical reordering.
@Suite struct SyntheticDataValidationTests {
    @Test(arguments: [FHIRVersion.r4, .r5])
    func generatedResourcesAreValidAndRoundTrip(_ version: FHIRVersion) throws {
        let data = SyntheticFHIR(patients: 120, observations: 600, studies: 3, seed: 7, version: version)
        let definitions = FHIRDefinitions.forVersion(version)
        let validator = FHIRValidator(definitions: definitions)
        let order = FHIRCanonicalOrder(definitions: definitions)
        var problems: [String] = []
        for kind in SyntheticFHIR.Kind.allCases {
            for index in 0..<data.count(of: kind) {
                let resource = data.resource(kind, index)
                problems += validator.validate(resource).map { "\(kind.rawValue) #\(index): \($0)" }
                let compact = FHIRJSONWriter().write(resource)
                let reread = try FHIRJSONReader().read(compact)
                #expect(reread == resource)
                #expect(FHIRJSONWriter().write(reread) == compact)
                let orderProblems = DefinitionOrderCheck(definitions: definitions).problems(in: order.reorder(resource))
                #expect(orderProblems.isEmpty, "\(kind.rawValue) #\(index): \(orderProblems.prefix(3))")
            }
        }
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(10).joined(separator: "\n"))")
    }
}
