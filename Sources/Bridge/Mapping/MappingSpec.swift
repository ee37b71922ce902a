import FHIRModel

/// A mapping with its includes merged: every named entry is the last one declared, and paths inside it
/// (`sources.fhir.plan`, `conceptMap`) are resolved against the file that declared them. Not yet compiled: see
/// `MappingCompiler`.
public struct MappingSpec: Sendable {
    public var name: String
    public var fhirVersion: FHIRVersion
    public var extensionBase: String
    public var accessionPattern: Located<String>?
    public var fhirPlan: Located<String>?
    public var endpoints = NamedDeclarations<EndpointDeclaration>()
    public var codeMaps = NamedDeclarations<CodeMapDeclaration>()
    public var links = NamedDeclarations<LinkDeclaration>()
    public var emits = NamedDeclarations<EmitDeclaration>()
    /// The files read, in load order (includes first), with their text: reports name them with their hashes.
    public var files: [MappingSourceFile] = []

    public static let defaultExtensionBase = "https://github.com/immport-bridge/fhir/StructureDefinition"
    public static let defaultAccessionPattern = "[A-Z]{2,}[0-9]+"
}

/// One file a mapping was loaded from.
public struct MappingSourceFile: Sendable {
    public var path: String
    public var text: String
    /// The file's lines, for placing errors inside block scalars.
    var lines: [Substring] { text.split(separator: "\n", omittingEmptySubsequences: false) }
}
