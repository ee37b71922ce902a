/// The JSON kind a FHIR primitive's value must have: `boolean` a JSON boolean, `integer` a JSON number without
/// fraction or exponent, `decimal` any JSON number, `string` a JSON string, and R5's `integer64` a JSON string of
/// digits (JSON numbers lose precision beyond 2^53 in many readers, so FHIR writes integer64 as a string).
public enum FHIRPrimitiveKind: String, Sendable, CaseIterable {
    case boolean, integer, decimal, string, integer64
}
