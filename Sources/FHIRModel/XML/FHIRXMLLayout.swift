/// What the XML reader and writer need to know about each element, resolved from the definition tables: where it
/// goes in definition order, whether it repeats, and how XML carries it.
///
/// Built once per FHIR version for every type (`FHIRXMLLayout.r4`, `.r5`) and read-only afterwards, so readers and
/// writers share it across documents and threads. Names are found by their UTF-8 bytes (`XMLNameTable`): every
/// element name of every type gets a number, and each type finds its member by that number in a small table of its
/// own, so a lookup per element costs two probes and no `String` hashing.
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
        /// Open addressing from name number to member index: (number + 1) << 32 | index; 0 is empty.
        private let slots: UnsafeMutablePointer<UInt64>
        private let bits: Int

        fileprivate init(
            name: String, utf8: UnsafeBufferPointer<UInt8>, index: Int, definition: FHIRTypeDefinition,
            isConcreteResource: Bool, members: [Member], numbers: [Int32], names: [Names]
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
            var bits = 2
            while 1 << bits < members.count * 2 { bits += 1 }
            self.bits = bits
            slots = UnsafeMutablePointer<UInt64>.allocate(capacity: 1 << bits)
            slots.initialize(repeating: 0, count: 1 << bits)
            for (i, number) in numbers.enumerated() {
                var slot = Self.firstSlot(number, bits)
                while slots[slot] != 0 { slot = (slot + 1) & ((1 << bits) - 1) }
                slots[slot] = UInt64(UInt32(number) + 1) << 32 | UInt64(i)
            }
        }

        deinit {
            slots.deallocate()
            UnsafeMutablePointer(mutating: members.baseAddress)?.deallocate()
        }

        @inline(__always) static func firstSlot(_ number: Int32, _ bits: Int) -> Int {
            Int(truncatingIfNeeded: (UInt32(bitPattern: number) &* 0x9E37_79B1) >> UInt32(32 - bits))
        }

        /// The index in `members` of the member whose name has `number`, or nil.
        @inline(__always) func memberIndex(number: Int32) -> Int? {
            let key = UInt64(UInt32(number) + 1)
            let mask = (1 << bits) - 1
            var slot = Self.firstSlot(number, bits)
            while true {
                let entry = slots[slot]
                if entry == 0 { return nil }
                if entry >> 32 == key { return Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) }
                slot = (slot + 1) & mask
            }
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
    /// Element name -> its number (one per distinct name across all types).
    private let elementNames: XMLNameTable
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
        let elementNames = XMLNameTable(minimumCapacity: 4096)
        var types: [TypeLayout] = []
        types.reserveCapacity(sorted.count)
        for (index, definition) in sorted.enumerated() {
            var members: [Member] = []
            var numbers: [Int32] = []
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
                let strings = Names(name)
                names.append(strings)
                members.append(Member(
                    names: strings, utf8: keep(name), order: entry.index, isArray: element.isArray, form: form))
                numbers.append(elementNames.insert(name, value: Int32(elementNames.count)))
            }
            types.append(TypeLayout(
                name: definition.name, utf8: keep(definition.name), index: index, definition: definition,
                isConcreteResource: definition.kind == .resource && !definition.isAbstract, members: members,
                numbers: numbers, names: names))
        }
        self.types = types
        self.typeNames = typeNames
        self.elementNames = elementNames
        extensionType = typeNames.find("Extension").map { types[Int($0)] }
        if let extensionType, let number = elementNames.find("extension"),
            let index = extensionType.memberIndex(number: number)
        {
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

    /// The number of an element name (the same in every type that has such an element), or nil for a name no type has.
    @inline(__always) func elementNumber(utf8 start: UnsafePointer<UInt8>, count: Int) -> Int32? {
        elementNames.find(start, count)
    }

    @inline(__always) func member(number: Int32, in type: TypeLayout) -> Member? {
        guard let index = type.memberIndex(number: number) else { return nil }
        return type.members[index]
    }

    /// The member `name` of `type`, or nil when the type has no such element.
    func member(_ name: String, in type: TypeLayout) -> Member? {
        guard let number = elementNames.find(name) else { return nil }
        return member(number: number, in: type)
    }
}
