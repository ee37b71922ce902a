/// The duplicate check of an object with many keys (32 or more; smaller ones compare fingerprints one by one).
///
/// A set of the keys' fingerprints (`JSONByteParser.fingerprint`): a new fingerprint is a new key, and texts are
/// compared only when fingerprints meet. Shared Data records have about 35 fields, and making and hashing a `String`
/// per key (the set of texts this replaced) was a third of reading them. Keys crafted to share fingerprints would
/// make the meetings quadratic: after `meetingLimit` of them the check turns to a set of the texts.
struct LargeObjectKeys {
    /// Objects with fewer keys compare each key's fingerprint with the others' one by one.
    static let smallObjectLimit = 32
    static let meetingLimit = 32

    private var prints: Set<UInt64>
    private var texts: Set<String>?
    private var meetings = 0

    /// Starts on the object's keys so far (`earlier`, all different), given by index.
    @inline(__always)
    init(earlier: Range<Int>, printAt: (Int) -> UInt64) {
        prints = Set(minimumCapacity: max(64, earlier.count * 2))
        for index in earlier { prints.insert(printAt(index)) }
    }

    /// Whether the key (fingerprint `print`, text `text()`) is one of the `earlier` keys; notes it when not.
    @inline(__always)
    mutating func isDuplicate(
        print: UInt64, text: () -> String, earlier: Range<Int>, printAt: (Int) -> UInt64, textAt: (Int) -> String
    ) -> Bool {
        if texts != nil { return !texts!.insert(text()).inserted }
        if prints.insert(print).inserted { return false }
        let key = text()
        for index in earlier where printAt(index) == print && textAt(index) == key { return true }
        meetings += 1
        if meetings >= Self.meetingLimit {
            var all = Set<String>(minimumCapacity: earlier.count * 2)
            for index in earlier { all.insert(textAt(index)) }
            all.insert(key)
            texts = all
        }
        return false
    }
}
