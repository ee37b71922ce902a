@testable @_spi(Testing) import FHIRPath
@testable import FHIRModel

/// The FHIRPath lexer, parser and compiler on any text, compiled the ways the tool compiles (no root type, typed
/// on a resource type, R5, ordered-function checks); what compiles is evaluated on a small Patient, by the fast
/// paths and by the general evaluator alone, which must agree (results, or both failing).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFHIRPath(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let source = String(decoding: fuzzBytes(data, size), as: UTF8.self)
    var checked = FHIRPathCompileOptions(version: .r4, rootType: nil)
    checked.checksOrderedFunctions = true
    var otherJSON = FHIRPathCompileOptions(version: .r5, rootType: nil)
    otherJSON.focusMayBeOtherJSON = true
    for options in [FHIRPathCompileOptions(version: .r4, rootType: nil), checked, otherJSON] {
        if let expression = try? FHIRPathExpression(source, options: options) {
            _ = try? expression.evaluateJSON(samplePatient)
        }
    }
    compareWays(source, on: samplePatient, rootType: "Patient")
    return 0
}

let samplePatient: FHIRElement = try! FHIRJSONReader().read(#"""
{"resourceType":"Patient","id":"p1","meta":{"versionId":"2","lastUpdated":"2020-01-01T10:00:00.123+01:00"},
 "extension":[{"url":"http://x/ext","valueInteger":2147483647},{"url":"http://x/q","valueQuantity":{"value":1.50,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}],
 "active":true,"name":[{"use":"official","family":"Chalmers","given":["Peter","James"],"_given":[null,{"extension":[{"url":"http://x/g","valueString":"J"}]}]},{"given":["Jim"]}],
 "telecom":[{"system":"phone","value":"(03) 5555 6473","rank":1}],"gender":"male","birthDate":"1974-12-25","_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"1974-12-25T14:35:45-05:00"}]},
 "deceasedBoolean":false,"multipleBirthInteger":3,
 "contained":[{"resourceType":"Organization","id":"o","name":"Org"}],"managingOrganization":{"reference":"#o"}}
"""#)

