import FHIRModel
import FHIRPath
import ImmPortAPI

/// A mapping ready to run: every FHIRPath expression compiled against its resource type, every endpoint matched to
/// the Shared Data API's catalog, every code map read. What the link, merge and reconcile stages take.
public struct CompiledMapping: Sendable {
    public var spec: MappingSpec
    public var endpoints: [String: CompiledEndpoint]
    public var codeMaps: [String: CompiledCodeMap]
    /// Links in an order where a link comes after every link its key references (`reference` + `link`).
    public var links: [CompiledLink]
    public var accessionPattern: String

    public var name: String { spec.name }
    public var fhirVersion: FHIRVersion { spec.fhirVersion }

    /// The links whose pairs' keys a merge reads: those a later link's key reads (`reference` + `link`) and those an
    /// emit template's `$reference` names.
    public var linksWhoseKeysAreRead: Set<String> {
        var names = Set(links.flatMap(\.dependsOn))
        for emit in spec.emits.all { names.formUnion(EmitTemplate(declaration: emit, extensionBase: spec.extensionBase).referencedLinks) }
        return names
    }
}

public struct CompiledEndpoint: Sendable {
    public var declaration: EndpointDeclaration
    public var catalogEntry: SharedDataEndpoint
    /// The record fields the catalog knows for this endpoint's records; nil when it does not describe them.
    public var recordFields: Set<String>?
}

public struct CompiledCodeMap: Sendable {
    public var declaration: CodeMapDeclaration
    /// Keys folded by `CodeMapKey.fold`; empty for a lookup map, which is filled when the lookup endpoint is read.
    public var values: [String: String]
    public var defaultValue: String?
}

public struct CompiledLink: Sendable {
    public var declaration: LinkDeclaration
    public var fhirWhere: FHIRPathExpression?
    public var keyParts: [CompiledKeyPart]
    public var fields: [CompiledField]
    /// The declaration's merge actions, in order.
    public var mergeActions: [CompiledMergeAction]
    /// Links this link's key reads the results of.
    public var dependsOn: [String]

    public var name: String { declaration.name.value }

    /// The members of a resource the link's FHIR side reads (its key alternatives and `where`), with its type and
    /// id; nil when an expression may read anything. A spooled resource is parsed with this filter for the link.
    public var resourceKeys: FHIRJSONKeyFilter? {
        var keys: FHIRJSONKeyFilter? = FHIRJSONKeyFilter.resourceIdentity
        for part in keyParts {
            for expression in part.alternatives.compactMap({ $0 }) { keys = FHIRJSONKeyFilter.union(keys, expression.focusKeys) }
        }
        if let fhirWhere { keys = FHIRJSONKeyFilter.union(keys, fhirWhere.focusKeys) }
        return keys
    }

    /// The members of a linked resource its compared fields read, with its type and id; nil when an expression may
    /// read anything. A spooled resource is parsed with this filter for the reconcile's comparisons.
    public var fieldResourceKeys: FHIRJSONKeyFilter? {
        var keys: FHIRJSONKeyFilter? = FHIRJSONKeyFilter.resourceIdentity
        for field in fields { keys = FHIRJSONKeyFilter.union(keys, field.fhir.focusKeys) }
        return keys
    }
}

extension CompiledLink {
    /// The members of a linked resource the merge reads or writes for this link: its conflict fields' expressions
    /// and elements, and its actions' elements (each with its `_name`); nil when an expression may read anything.
    /// The others are left as text when the merge's output is written (`UnparsedMembers`).
    public var mergeResourceKeys: FHIRJSONKeyFilter? {
        var keys: FHIRJSONKeyFilter? = FHIRJSONKeyFilter()
        func element(_ target: WritableElement?) {
            guard let first = target?.steps.first?.jsonName else { return }
            keys = FHIRJSONKeyFilter.union(keys, FHIRJSONKeyFilter(keys: [first, "_" + first]))
        }
        for field in fields where field.conflictTarget != nil {
            keys = FHIRJSONKeyFilter.union(keys, field.fhir.focusKeys)
            element(field.conflictTarget)
        }
        for action in mergeActions {
            switch action.declaration.value {
            case .fill: element(action.fillTarget)
            case .identifier: keys = FHIRJSONKeyFilter.union(keys, FHIRJSONKeyFilter(keys: ["identifier"]))
            case .extension: keys = FHIRJSONKeyFilter.union(keys, FHIRJSONKeyFilter(keys: ["extension"]))
            }
        }
        return keys
    }
}

public struct CompiledKeyPart: Sendable {
    public var declaration: KeyPartDeclaration
    /// One expression per alternative, in order; for `reference` alternatives, the reference's expression.
    public var alternatives: [FHIRPathExpression?]
}

public struct CompiledField: Sendable {
    public var declaration: FieldDeclaration
    public var fhir: FHIRPathExpression
    /// Where the merge writes under `onConflict` `prefer-shared-data` or `keep-both`; nil under `keep-fhir`.
    public var conflictTarget: WritableElement?
}

public struct CompiledMergeAction: Sendable {
    public var declaration: Located<MergeActionDeclaration>
    /// Where a `fill` writes (a primitive reached through single elements); nil for the other actions.
    public var fillTarget: WritableElement?
}
