/// Why the FHIR side refuses a request (a search, a transaction, one batch entry): the HTTP status and the
/// OperationOutcome text HAPI would give.
struct FHIRRequestFailure: Error {
    var status: Int
    var diagnostics: String
    /// The OperationOutcome issue code.
    var code = "processing"
}
