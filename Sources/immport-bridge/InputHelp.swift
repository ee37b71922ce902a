import ArgumentParser
import FHIRModel

/// The input rules every file command states in its manual, written once so that they cannot drift apart.
enum InputHelp {
    static let formats = """
        INPUT: a file, or - for standard input, holding one FHIR resource, a Bundle, a JSON array of resources, \
        NDJSON (one resource a line) or FHIR XML. The format is --from if given, else: XML if it starts with <; \
        NDJSON if it is named .ndjson or .jsonl, or its first line is one complete JSON value and another line \
        follows; otherwise one JSON document. XML is read hardened (no DOCTYPE, entities, DTDs or network).
        """

    static let bundles = """
        Bundles: a file that is a Bundle is ONE resource (the Bundle) unless --entries is given, which reads its \
        entries' resources instead (entries without a resource are skipped). An NDJSON line is always one resource \
        and is never unpacked, even when it is a Bundle (as in FHIR Bulk Data). A JSON array's items are each one \
        resource. A top level that is not a resource (null, 42, "text", an object without resourceType, an array \
        of non-objects) is refused with its FILE:LINE:COLUMN.
        """

    static let errors = """
        Errors go to standard error on one line, as FILE:LINE:COLUMN: entry N: error: message (as much of the \
        place as is known).
        """
}

extension FHIRFormat: ExpressibleByArgument {}
extension FHIRVersion: ExpressibleByArgument {}
