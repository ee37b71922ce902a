import FHIRModel
import Testing

/// `PackedSpans` gives back every span as it was appended, packed in a word or (past a terabyte, 4 MiB or more, or
/// negative) kept whole, and never sets the bit it leaves to callers.
@Suite struct PackedSpansTests {
    static let spans: [ByteSpool.Span] = [
        .init(offset: 0, length: 0), .init(offset: 1, length: 1), .init(offset: (1 << 40) - 1, length: (1 << 22) - 1),
        .init(offset: 1 << 40, length: 0), .init(offset: 5, length: 1 << 22), .init(offset: Int.max, length: Int.max),
        .init(offset: -1, length: 3), .init(offset: 3, length: -1), .init(offset: 123_456_789_012, length: 654_321),
    ]

    @Test func spansReadBackAsAppended() {
        var packed = PackedSpans()
        for span in Self.spans + Self.spans.reversed() { packed.append(span) }
        #expect(Array(packed) == Self.spans + Self.spans.reversed())
        #expect(Array(PackedSpans(Self.spans)) == Self.spans)
        var wide: [ByteSpool.Span] = []
        for span in Self.spans {
            let word = PackedSpans.word(for: span, wide: &wide)
            #expect(word & PackedSpans.freeBit == 0)
            #expect(PackedSpans.span(of: word, wide: wide) == span)
        }
        #expect(wide.count == 5)
    }
}
