/// Top-level members of a document left as the JSON text they were spooled with, for `FHIRJSONWriter` to copy
/// instead of parsing them into a tree and writing the tree again. Their places in the document's object hold
/// `null`, so that code adding members sees every key and puts new ones where it would in the whole tree; a member
/// whose value is no longer that `null` is written from the tree.
///
/// Only text that writing its tree would give back byte for byte is left unparsed
/// (`FHIRJSONWriter.writesBack(_:)`), so output is the same either way.
public struct UnparsedMembers: Sendable {
    /// The members' values, one after the other.
    public private(set) var bytes: [UInt8] = []
    public private(set) var members: [(key: String, range: Range<Int>)] = []

    public init() {}

    /// Empty, with room for `members` members of `bytes` bytes in all (a document's: one allocation each, not the
    /// three or four of growing them a member at a time).
    init(reservingMembers members: Int, bytes: Int) {
        self.members.reserveCapacity(members)
        self.bytes.reserveCapacity(bytes)
    }

    public var isEmpty: Bool { members.isEmpty }

    mutating func append(key: String, value: UnsafeRawBufferPointer) {
        let start = bytes.count
        bytes.append(contentsOf: value)
        members.append((key, start..<bytes.count))
    }

    /// Texts given to members in place of theirs (`replaceValue`): kept apart rather than appended to `bytes`,
    /// which is sized for the document and would be grown, and copied, for every resource.
    public private(set) var replacements: [(key: String, value: [UInt8])] = []

    /// Gives member `key` (one of `members`) the text `value`, which the writer then writes in place of its own.
    public mutating func replaceValue(of key: String, with value: [UInt8]) {
        guard members.contains(where: { $0.key == key }) else { return }
        replacements.removeAll { $0.key == key }
        replacements.append((key, value))
    }

    /// Where the text of member `key` is in `bytes`.
    public func range(of key: String) -> Range<Int>? {
        // A handful of members: a scan, no table to build per document.
        for member in members where member.key == key { return member.range }
        return nil
    }
}
