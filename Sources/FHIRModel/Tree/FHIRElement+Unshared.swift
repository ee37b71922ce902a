extension FHIRElement {
    /// The same tree with every string and container made anew, sharing no storage with this one: for a tree that
    /// each worker then uses on its own (an emit template's constants), whose reference counts the cores would
    /// otherwise both write for every resource made from it.
    public var unshared: FHIRElement {
        switch self {
        case .null, .boolean: self
        case .number(let number): .number(FHIRNumber(unchecked: number.text.unshared))
        case .string(let text): .string(text.unshared)
        case .array(let items): .array(items.map(\.unshared))
        case .object(let object):
            .object(
                FHIRObject(
                    members: object.members.map { FHIRObject.Member(key: $0.key.unshared, value: $0.value.unshared) },
                    mayHaveUnderscoreKeys: object.mayHaveUnderscoreKeys))
        }
    }
}

extension String {
    /// The same text in storage of its own (a string of up to 15 bytes has none: it is held inline).
    public var unshared: String { String(decoding: Array(utf8), as: UTF8.self) }
}
