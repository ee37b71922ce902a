@testable import FHIRModel
import Testing

/// The JSON reader's table of recent strings (`JSONStringTable`): every string it hands out is the one its bytes
/// spell, whatever it held before; a string too long to be held inside a `String` is kept (and then shared) only
/// from its second sighting.
@Suite struct JSONStringTableTests {
    /// `body` with a fresh table, freed afterwards.
    static func withTable(_ body: (JSONStringTable) -> Void) {
        let table = JSONStringTable()
        defer { table.deallocate() }
        body(table)
    }

    static func string(_ text: String, from table: JSONStringTable) -> String {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { table.string($0.baseAddress!, $0.count) }
    }

    /// Where a string's UTF-8 lives: the same address for two strings that share their storage.
    static func storage(_ string: String) -> UnsafePointer<UInt8>? {
        string.utf8.withContiguousStorageIfAvailable { $0.baseAddress } ?? nil
    }

    @Test func everyStringIsTheOneItsBytesSpell() {
        Self.withTable { table in
            // Lengths either side of 15 (the longest held inside a `String`), 16 (the longest told apart by its
            // words alone) and 64 (the longest kept); more strings than the table has slots, each seen up to three
            // times, so that slots are taken over again and again.
            var texts: [String] = []
            for length in [0, 1, 7, 8, 15, 16, 17, 31, 63, 64, 65, 100] {
                for n in 0..<(JSONStringTable.slotCount / 4) {
                    let whole = "v\(n)-é-" + String(repeating: "x", count: length)
                    // (A cut through the middle of "é" is not UTF-8, which the reader never hands the table.)
                    if let cut = String(whole.utf8.prefix(length)) { texts.append(cut) }
                }
            }
            for round in 0..<3 {
                for (index, text) in texts.enumerated() where index % 3 >= round {
                    #expect(Self.string(text, from: table) == text)
                }
            }
        }
    }

    @Test func aLongStringIsKeptFromItsSecondSighting() {
        Self.withTable { table in
            for text in ["http://loinc.org", "https://www.immport.org/subject", String(repeating: "z", count: 64)] {
                let first = Self.string(text, from: table)
                let second = Self.string(text, from: table)
                let third = Self.string(text, from: table)
                #expect([first, second, third].allSatisfy { $0 == text })
                // The first was not kept: the second is a string of its own, which the third shares.
                #expect(Self.storage(first) != Self.storage(second), "\(text)")
                #expect(Self.storage(third) == Self.storage(second), "\(text)")
            }
            // Longer than the table keeps: never shared.
            let long = String(repeating: "y", count: 65)
            let a = Self.string(long, from: table)
            let b = Self.string(long, from: table)
            let c = Self.string(long, from: table)
            #expect(Self.storage(b) != Self.storage(c) && a == long && c == long)
        }
    }
}
