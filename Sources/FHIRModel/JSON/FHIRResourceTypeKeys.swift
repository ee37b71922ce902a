/// The top-level members to build of each resource by its type (`FHIRResourceInput.Options.topLevelKeysByType`): for
/// a reader whose callers read a few members of each type, and different ones (a reconcile reads `gender` of a
/// Patient, `valueQuantity` of an Observation, and every member of a ResearchSubject, whose references it follows).
///
/// The type is taken from the resource's text before it is read, when the text begins `{"resourceType":"TYPE"` (as
/// servers and Bulk Data exports write it; white space between the tokens and a byte order mark allowed, no
/// escapes in the name); a resource whose text begins otherwise is
/// built whole, so the choice is never wrong, only sometimes not made. Whatever a resource is built to, its text is
/// still checked whole as JSON.
public struct FHIRResourceTypeKeys: Sendable {
    /// The members to build of each listed type; nil: all of them.
    public let byType: [String: FHIRJSONKeyFilter?]
    /// The members to build of a type not listed (nil: all).
    public let otherTypes: FHIRJSONKeyFilter?
    /// `byType` as the bytes of each name, compared with the text's (a handful of types: a dictionary would make a
    /// string of every resource's type).
    private let entries: [(name: [UInt8], keys: FHIRJSONKeyFilter?)]

    public init(byType: [String: FHIRJSONKeyFilter?], otherTypes: FHIRJSONKeyFilter?) {
        self.byType = byType
        self.otherTypes = otherTypes
        entries = byType.sorted { $0.key < $1.key }.map { (Array($0.key.utf8), $0.value) }
    }

    /// The same choices, each filter in storage of its own (`FHIRJSONKeyFilter.unshared`): for one worker.
    public var unshared: FHIRResourceTypeKeys {
        FHIRResourceTypeKeys(byType: byType.mapValues { $0?.unshared }, otherTypes: otherTypes?.unshared)
    }

    static let member = Array(#""resourceType""#.utf8)
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The members to build of the resource whose JSON text is `text` (nil: all).
    public func keys(forText text: UnsafeRawBufferPointer) -> FHIRJSONKeyFilter? {
        var at = 0
        if text.count >= 3, text[0] == Self.byteOrderMark[0], text[1] == Self.byteOrderMark[1], text[2] == Self.byteOrderMark[2] {
            at = 3
        }
        // `{ "resourceType" : "`, with JSON's white space between the tokens (a pretty-printed document).
        func skipSpace() {
            while at < text.count, text[at] == 0x20 || text[at] == 0x0A || text[at] == 0x0D || text[at] == 0x09 { at += 1 }
        }
        func expect(_ byte: UInt8) -> Bool {
            guard at < text.count, text[at] == byte else { return false }
            at += 1
            return true
        }
        func expect(_ bytes: [UInt8]) -> Bool {
            guard text.count - at >= bytes.count else { return false }
            for index in 0..<bytes.count where text[at + index] != bytes[index] { return false }
            at += bytes.count
            return true
        }
        skipSpace()
        guard expect(UInt8(ascii: "{")) else { return nil }
        skipSpace()
        guard expect(Self.member) else { return nil }
        skipSpace()
        guard expect(UInt8(ascii: ":")) else { return nil }
        skipSpace()
        guard expect(UInt8(ascii: "\"")) else { return nil }
        let nameStart = at
        var nameEnd = nameStart
        while nameEnd < text.count, text[nameEnd] != UInt8(ascii: "\""), text[nameEnd] != UInt8(ascii: "\\") { nameEnd += 1 }
        // No closing quote, or an escape: the type is left to the reader, and the resource built whole.
        guard nameEnd < text.count, text[nameEnd] == UInt8(ascii: "\"") else { return nil }
        let name = UnsafeRawBufferPointer(rebasing: text[nameStart..<nameEnd])
        for entry in entries where entry.name.count == name.count {
            if entry.name.withUnsafeBytes({ $0.elementsEqual(name) }) { return entry.keys }
        }
        return otherTypes
    }
}
