/// What a FHIR `Reference` points to, classified by the rules of https://hl7.org/fhir/R5/references.html (R4 has
/// the same forms except `#` alone). The one reference model of the tool: FHIRPath's `resolve()` and
/// `getReferenceKey()`, the study pull, the de-duplicator and the test server all read references through it.
///
/// Only `relative` and `absolute` name a resource by type and id (`resourceKey`). A conditional reference is a
/// search a server runs while it processes a transaction: it is not a key and is never treated as one.
public enum FHIRReference: Hashable, Sendable {
    /// `Type/id` or `Type/id/_history/version`, relative to the service base of the server the resource came from.
    case relative(FHIRResourceKey, version: String?)
    /// `http(s)://base/Type/id[/_history/version]`: a RESTful reference to a resource on the server at `base` (the
    /// URL up to `/Type/id`, without a trailing slash).
    case absolute(base: String, FHIRResourceKey, version: String?)
    /// `#id`: a resource contained in the resource that holds the reference. `#` alone (id nil) is the container
    /// itself, referred to from inside a contained resource.
    case contained(id: String?)
    /// `urn:uuid:…` or `urn:oid:…` (the whole URI): a resource known only inside its Bundle, found by an entry's
    /// `fullUrl`.
    case bundleLocal(String)
    /// `Type?parameters`: a conditional reference, resolved by a server when it processes a transaction.
    case conditional(type: String, query: String)
    /// A `Reference` with an identifier and no `reference`: names a resource without saying where it is.
    case logical(type: String?, system: String?, value: String?)
    /// An absolute URI that does not end in `Type/id[/_history/version]`: a resource somewhere that is not a FHIR
    /// RESTful server (or a query URL). It can be fetched, not keyed.
    case otherURL(String)
    /// Text that is no reference FHIR allows, with why.
    case invalid(String, reason: String)

    /// The type and id a relative or absolute reference names; nil for every other form.
    @inlinable public var resourceKey: FHIRResourceKey? {
        switch self {
        case .relative(let key, _), .absolute(_, let key, _): return key
        default: return nil
        }
    }

    /// The version a versioned relative or absolute reference asks for (`.../_history/version`).
    public var version: String? {
        switch self {
        case .relative(_, let version), .absolute(_, _, let version): return version
        default: return nil
        }
    }

    /// The resource type the reference says it points to, when it says one.
    public var resourceType: String? {
        switch self {
        case .relative(let key, _), .absolute(_, let key, _): return key.type
        case .conditional(let type, _): return type
        case .logical(let type, _, _): return type
        default: return nil
        }
    }

    /// The reference of a `Reference` element: its `reference` string when it has one, else a logical reference
    /// when it has an `identifier`. Nil for an element that is neither (only `display`, or not an object).
    public init?(element: FHIRElement) {
        guard case .object(let object) = element else { return nil }
        if let reference = object["reference"] {
            guard let text = reference.stringValue else {
                self = .invalid("", reason: "Reference.reference is a JSON \(reference.kindName), not a string")
                return
            }
            self.init(parsing: text)
            return
        }
        guard let identifier = object["identifier"], identifier.objectValue != nil else { return nil }
        self = .logical(
            type: object["type"]?.stringValue, system: identifier["system"]?.stringValue,
            value: identifier["value"]?.stringValue)
    }
}

extension FHIRReference: CustomStringConvertible {
    /// The reference as FHIR writes it (`Patient/1`, `#c1`, `urn:uuid:…`); a logical one as `identifier system|value`.
    public var description: String {
        switch self {
        case .relative(let key, let version): return key.description + (version.map { "/_history/\($0)" } ?? "")
        case .absolute(let base, let key, let version):
            return base + "/" + key.description + (version.map { "/_history/\($0)" } ?? "")
        case .contained(let id): return "#" + (id ?? "")
        case .bundleLocal(let uri), .otherURL(let uri): return uri
        case .conditional(let type, let query): return type + "?" + query
        case .logical(let type, let system, let value):
            return (type.map { "\($0) " } ?? "") + "identifier " + (system.map { "\($0)|" } ?? "") + (value ?? "")
        case .invalid(let text, _): return text
        }
    }
}
