import FHIRModel
@testable import ImmPortAPI
import Testing

/// The key table keeps each key's type as a number beside its entry, a byte each, with the numbers past a byte's
/// kept apart: keys of many types, interleaved, come back with their own types, are found again, and share a type's
/// number, past 255 types as before it, and after the table is brought to its size.
@Suite struct ResourceKeyTableTests {
    @Test(arguments: [3, 254, 255, 256, 600])
    func keysOfManyTypesKeepTheirTypes(typeCount: Int) {
        var deduplicator = FHIRResourceDeduplicator()
        var keys: [FHIRResourceKey] = []
        // Types interleaved (each id under every type in turn), so that a type's keys are not all in one run.
        for id in 0..<3 {
            for type in 0..<typeCount {
                let key = FHIRResourceKey(type: "Type\(type)", id: "id\(id)")
                #expect(deduplicator.admit(key, versionId: nil, tag: keys.count).verdict == .new)
                keys.append(key)
            }
        }
        #expect(deduplicator.count == keys.count)
        // Brought to its size (as a directory's table is once read), it answers the same.
        deduplicator.keepAtSize()
        for (position, key) in keys.enumerated() {
            #expect(deduplicator.key(at: position) == key)
            #expect(deduplicator.tag(of: key) == position)
            #expect(deduplicator.typeNumber(at: position) == deduplicator.typeNumber(of: key.type))
            #expect(deduplicator.admit(key, versionId: nil, tag: -1).verdict == .duplicate)
        }
        let numbers = Set((0..<typeCount).compactMap { deduplicator.typeNumber(of: "Type\($0)") })
        #expect(numbers.count == typeCount)
        #expect(deduplicator.typeNumber(of: "Type\(typeCount)") == nil)
        #expect(!deduplicator.contains(FHIRResourceKey(type: "Type0", id: "id3")))
    }
}

extension ResourceKeyTableTests {
    /// A slot holds a position and the hash's top bits until positions need the whole slot: keys admitted before and
    /// after the table goes over (here after 15, with four bits for positions) are all found, and only they are.
    @Test(arguments: [4 as UInt32, 27])
    func keysAreFoundOnBothSidesOfSlotsGivenToPositions(positionBits: UInt32) {
        var table = ResourceKeyTable(positionBits: positionBits)
        let keys = (0..<200).map { HashedResourceKey(FHIRResourceKey(type: $0 % 3 == 0 ? "Patient" : "Observation", id: "r\($0)")) }
        for (index, key) in keys.enumerated() {
            guard case .vacant(let slot) = table.lookup(key) else {
                Issue.record("\(key.key) found before it was added")
                continue
            }
            table.insert(key, at: slot)
            // Everything added so far is found where it was added, whatever the table's state now.
            for (earlier, known) in keys[...index].enumerated() {
                guard case .found(let position) = table.lookup(known) else {
                    Issue.record("\(known.key) not found after \(index + 1) keys")
                    return
                }
                #expect(position == earlier && table.key(at: position) == known.key)
            }
        }
        for absent in ["r200", "r-1", "R1"] {
            if case .found = table.lookup(HashedResourceKey(FHIRResourceKey(type: "Observation", id: absent))) {
                Issue.record("Observation/\(absent) found")
            }
        }
        if case .found = table.lookup(HashedResourceKey(FHIRResourceKey(type: "Patient", id: "r1"))) { Issue.record("Patient/r1 found") }
    }
}

extension ResourceKeyTableTests {
    /// A de-duplicator whose tags are its positions (a collection's) answers as one that is given the positions as
    /// tags: the same verdicts, the same replaced tags for newer versions, the same tags looked up, also once brought
    /// to its size; a caller's own tags (a search's lines) are kept as given and replaced by a newer version's.
    @Test func tagsThatArePositionsAnswerAsTagsGiven() {
        var given = FHIRResourceDeduplicator()
        var positional = FHIRResourceDeduplicator(tagsArePositions: true)
        var lines = FHIRResourceDeduplicator()
        let copies: [(id: String, version: String?)] = [
            ("a", "1"), ("b", nil), ("c", "2"), ("a", "1"), ("a", "3"), ("b", "1"), ("c", "1"), ("d", "x1"), ("d", "x2"),
            ("a", nil), ("e", "10"), ("e", "9"),
        ]
        for (line, copy) in copies.enumerated() {
            let key = FHIRResourceKey(type: "Patient", id: copy.id)
            let position = given.tag(of: key) ?? given.count
            let expected = given.admit(key, versionId: copy.version, tag: position)
            if expected.verdict == .newerVersion { given.retag(key, position) }
            #expect(positional.admit(key, versionId: copy.version, tag: position) == expected, "copy \(line): \(copy)")
            let fromLines = lines.admit(key, versionId: copy.version, tag: 100 + line)
            #expect(fromLines.verdict == expected.verdict)
            if expected.verdict == .newerVersion { #expect(fromLines.replacedTag.map { $0 >= 100 } == true) }
        }
        positional.keepAtSize()
        for id in ["a", "b", "c", "d", "e"] {
            let key = FHIRResourceKey(type: "Patient", id: id)
            #expect(positional.tag(of: key) == given.tag(of: key))
            #expect(positional.key(at: given.tag(of: key)!) == key)
        }
        // The last copy kept of each key, by its line.
        #expect(lines.tag(of: FHIRResourceKey(type: "Patient", id: "a")) == 104)
        #expect(lines.tag(of: FHIRResourceKey(type: "Patient", id: "b")) == 105)
        #expect(lines.tag(of: FHIRResourceKey(type: "Patient", id: "c")) == 102)
        #expect(lines.tag(of: FHIRResourceKey(type: "Patient", id: "d")) == 108)
        #expect(lines.tag(of: FHIRResourceKey(type: "Patient", id: "e")) == 110)
        #expect(positional.tag(of: FHIRResourceKey(type: "Patient", id: "f")) == nil)
    }
}

/// Positions kept as runs give back every position in the order appended, whatever the order: consecutive ones in one
/// run, a position out of step starting a run of its own.
@Suite struct PositionRunsTests {
    @Test(arguments: [
        [Int32](), [5], [0, 1, 2, 3], [3, 2, 1, 0], [0, 1, 2, 10, 11, 5, 6, 7, 7, 8, 0, 1], [Int32](0..<1000) + [Int32](2000..<2500),
    ])
    func positionsComeBackInTheirOrder(positions: [Int32]) {
        var runs = PositionRuns()
        for position in positions { runs.append(position) }
        runs.keepAtSize()
        #expect(Array(runs) == positions)
        #expect(runs.count == positions.count)
        let expectedRuns = positions.indices.filter { $0 == 0 || positions[$0] != positions[$0 - 1] + 1 }.count
        #expect(runs.runCount == expectedRuns)
    }
}

/// Version codes read back as appended and set, whether every key has the same one (held as one number) or not: the
/// first that differs, appended or set, turns them into one a key, with the earlier ones kept.
@Suite struct VersionCodesTests {
    @Test func codesReadBackAsAppendedAndSet() {
        var codes = VersionCodes()
        for _ in 0..<5 { codes.append(1) }
        #expect(codes.isShared && codes.count == 5 && (0..<5).allSatisfy { codes[$0] == 1 })
        codes[2] = 1
        #expect(codes.isShared)
        codes[3] = 4
        #expect(!codes.isShared && (0..<5).map { codes[$0] } == [1, 1, 1, 4, 1])
        codes.append(-1)
        codes.keepAtSize()
        #expect((0..<6).map { codes[$0] } == [1, 1, 1, 4, 1, -1])

        var appended = VersionCodes()
        for code: Int32 in [-1, -1, 7, -1] { appended.append(code) }
        #expect(!appended.isShared && (0..<4).map { appended[$0] } == [-1, -1, 7, -1])
    }
}

extension ResourceKeyTableTests {
    /// The table grows from the hashes it keeps while it is filled, and after it is brought to its size (the hashes
    /// let go) from the keys hashed again: keys added before and after are all found at their positions.
    @Test func keysAreFoundAfterGrowingOnEitherSideOfKeepAtSize() {
        var table = ResourceKeyTable()
        let keys = (0..<3000).map { HashedResourceKey(FHIRResourceKey(type: $0 % 2 == 0 ? "Specimen" : "Observation", id: "k\($0)")) }
        for (index, key) in keys.enumerated() {
            if index == 100 { table.keepAtSize() }
            guard case .vacant(let slot) = table.lookup(key) else {
                Issue.record("\(key.key) found before it was added")
                return
            }
            table.insert(key, at: slot)
        }
        for (index, key) in keys.enumerated() {
            guard case .found(let position) = table.lookup(key) else {
                Issue.record("\(key.key) not found")
                continue
            }
            #expect(position == index && table.key(at: position) == key.key)
        }
        if case .found = table.lookup(HashedResourceKey(FHIRResourceKey(type: "Specimen", id: "k1"))) { Issue.record("Specimen/k1 found") }
    }
}
