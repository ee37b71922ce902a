/// What the XML reader and writer need to know about each element, resolved from the definition tables: where it
/// goes in definition order, whether it repeats, and how XML carries it.
///
/// Built once per FHIR version for every type (`FHIRXMLLayout.r4`, `.r5`) and read-only afterwards, so readers and
/// writers share it across documents and threads. Each type finds its members by their UTF-8 bytes in a small
/// table of its own (`XMLNameTable`), so a lookup per element is one probe and no `String` hashing.
final class FHIRXMLLayout: @unchecked Sendable {
    enum Form: Equatable {
        /// A primitive: `<name value="..."/>` with optional `id` attribute and `extension` children.
        case primitive(FHIRPrimitiveKind)
        /// An attribute on the parent element (`Element.id`, `Extension.url`).
        case attribute
        /// The narrative `div`, XHTML.
        case xhtml
        /// A wrapper element around one resource (`contained`, `Bundle.entry.resource`, ...).
        case resource
        /// A complex type or backbone element: the index of its layout in `types`, -1 when the tables lack it.
        case complex(Int32)
    }

    /// A member's strings, owned by its type's layout.
    final class Names: Sendable {
        let name: String
        let partnerName: String

        init(_ name: String) {
            self.name = name
            partnerName = "_" + name
        }
    }

    /// Copied for every element read or written, so it holds no counted references: its strings are reached
    /// through `Names`, which the layout keeps alive for as long as the process runs.
    struct Member {
        unowned(unsafe) let names: Names
        /// The element's name in XML and JSON (`valueQuantity` for a choice).
        var name: String { names.name }
        /// `_name`, the JSON key of a primitive's id and extensions.
        var partnerName: String { names.partnerName }
        /// The name's UTF-8, owned by the layout (writers copy it without touching the `String`).
        let utf8: UnsafeBufferPointer<UInt8>
        let order: Int
        let isArray: Bool
        let form: Form
        /// The lexical form a primitive's or an attribute's value must have (`unchecked` for other members).
        let lexical: FHIRLexicalForm
    }

    /// One type's members, immutable once made; read through raw buffers so that a lookup touches no reference
    /// counts.
    final class TypeLayout: @unchecked Sendable {
        let name: String
        /// The name's UTF-8 (a resource type's element name), owned by the layout.
        let utf8: UnsafeBufferPointer<UInt8>
        let index: Int
        let definition: FHIRTypeDefinition
        /// A concrete resource type: may stand as a document's root or inside a resource wrapper.
        let isConcreteResource: Bool
        /// In definition order.
        let members: UnsafeBufferPointer<Member>
        /// Keeps the members' strings alive.
        private let names: [Names]
        /// Member name -> index in `members`: a table of its own per type, small enough to stay in the cache for
        /// the types a document uses (one shared table of all names was not).
        private let table: XMLNameTable

        fileprivate init(
            name: String, utf8: UnsafeBufferPointer<UInt8>, index: Int, definition: FHIRTypeDefinition,
            isConcreteResource: Bool, members: [Member], names: [Names]
        ) {
            self.name = name
            self.utf8 = utf8
            self.index = index
            self.definition = definition
            self.isConcreteResource = isConcreteResource
            let storage = UnsafeMutablePointer<Member>.allocate(capacity: max(members.count, 1))
            storage.initialize(from: members, count: members.count)
            self.members = UnsafeBufferPointer(start: storage, count: members.count)
            self.names = names
            table = XMLNameTable(minimumCapacity: members.count)
            for (i, member) in members.enumerated() { table.insert(member.name, value: Int32(i)) }
        }

        deinit {
            UnsafeMutablePointer(mutating: members.baseAddress)?.deallocate()
        }

        /// The index in `members` of the member named by these UTF-8 bytes, or nil.
        @inline(__always) func memberIndex(utf8 start: UnsafePointer<UInt8>, count: Int) -> Int? {
            table.find(start, count).map { Int($0) }
        }

        func memberIndex(_ name: String) -> Int? {
            table.find(name).map { Int($0) }
        }
    }

    static let r4 = FHIRXMLLayout(definitions: .r4)
    static let r5 = FHIRXMLLayout(definitions: .r5)

    static func forVersion(_ version: FHIRVersion) -> FHIRXMLLayout {
        switch version {
        case .r4: return r4
        case .r5: return r5
        }
    }

    let definitions: FHIRDefinitions
    let types: [TypeLayout]
    /// Type name (`Patient`, `HumanName`, `Patient.contact`) -> index in `types`.
    private let typeNames: XMLNameTable
    /// The UTF-8 of every member name, laid end to end.
    private let nameBytes: UnsafeMutablePointer<UInt8>
    let extensionType: TypeLayout?
    /// `Extension.extension`: the member a primitive's extensions are written as.
    let extensionMember: Member?

    init(definitions: FHIRDefinitions) {
        self.definitions = definitions
        let sorted = definitions.allTypes.sorted { $0.name < $1.name }
        let typeNames = XMLNameTable(minimumCapacity: sorted.count)
        for (index, definition) in sorted.enumerated() { typeNames.insert(definition.name, value: Int32(index)) }
        // Every name's bytes in one allocation: the layouts live as long as the process.
        let totalBytes = sorted.reduce(0) { sum, type in
            sum + type.name.utf8.count + type.jsonNames.keys.reduce(0) { $0 + $1.utf8.count }
        }
        let nameBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(totalBytes, 1))
        self.nameBytes = nameBytes
        var used = 0
        func keep(_ name: String) -> UnsafeBufferPointer<UInt8> {
            let bytes = Array(name.utf8)
            (nameBytes + used).initialize(from: bytes, count: bytes.count)
            defer { used += bytes.count }
            return UnsafeBufferPointer(start: nameBytes + used, count: bytes.count)
        }
        var types: [TypeLayout] = []
        types.reserveCapacity(sorted.count)
        for (index, definition) in sorted.enumerated() {
            var members: [Member] = []
            var names: [Names] = []
            // In definition order, so that walking `members` walks the type's elements in order.
            for (name, entry) in definition.jsonNames.sorted(by: { ($0.value.index, $0.key) < ($1.value.index, $1.key) }) {
                let element = definition.elements[entry.index]
                let code = entry.typeCode
                let form: Form
                if element.representation == .xmlAttr {
                    form = .attribute
                } else if element.representation == .xhtml || code == "xhtml" {
                    form = .xhtml
                } else if code == "Resource" || definitions.isResource(code) {
                    form = .resource
                } else if definitions.isPrimitive(code) {
                    form = .primitive(definitions.primitiveKind(code) ?? .string)
                } else {
                    form = .complex(typeNames.find(code) ?? -1)
                }
                let lexical: FHIRLexicalForm
                switch form {
                case .primitive: lexical = FHIRLexicalForm(typeCode: code)
                // `Extension.url` is an anyURI attribute in the XSD; ids are strings.
                case .attribute: lexical = element.name == "url" ? .uri : .string
                default: lexical = .unchecked
                }
                let strings = Names(name)
                names.append(strings)
                members.append(Member(
                    names: strings, utf8: keep(name), order: entry.index, isArray: element.isArray, form: form,
                    lexical: lexical))
            }
            types.append(TypeLayout(
                name: definition.name, utf8: keep(definition.name), index: index, definition: definition,
                isConcreteResource: definition.kind == .resource && !definition.isAbstract, members: members,
                names: names))
        }
        self.types = types
        self.typeNames = typeNames
        extensionType = typeNames.find("Extension").map { types[Int($0)] }
        if let extensionType, let index = extensionType.memberIndex("extension") {
            extensionMember = extensionType.members[index]
        } else {
            extensionMember = nil
        }
    }

    deinit { nameBytes.deallocate() }

    func type(_ name: String) -> TypeLayout? {
        typeNames.find(name).map { types[Int($0)] }
    }

    func type(utf8 start: UnsafePointer<UInt8>, count: Int) -> TypeLayout? {
        typeNames.find(start, count).map { types[Int($0)] }
    }

    /// The layout of a complex member's type, nil when the tables lack it.
    @inline(__always) func type(at index: Int32) -> TypeLayout? {
        index >= 0 ? types[Int(index)] : nil
    }

    /// The member `name` of `type`, or nil when the type has no such element.
    func member(_ name: String, in type: TypeLayout) -> Member? {
        type.memberIndex(name).map { type.members[$0] }
    }
}
