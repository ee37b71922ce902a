/// Spans of a `ByteSpool`, one 8-byte word each where a `ByteSpool.Span` takes 16: the offset above 22 bits of
/// length. A large study keeps one for each of its records and resources from the pull to the end of the merge (a
/// million of each at a million resources). A span the word cannot hold (an offset past a terabyte, a length of
/// 4 MiB or more) is kept whole beside the words. The words never set their top bit, so a caller that keeps other
/// things in words of its own (`StoredResources`: trees) can mark those with it.
public struct PackedSpans: RandomAccessCollection, Sendable {
    private var words: [UInt64] = []
    private var wide: [ByteSpool.Span] = []

    /// The bit a packed word never sets.
    public static let freeBit: UInt64 = 1 << 63
    private static let wideFlag: UInt64 = 1 << 62
    private static let lengthBits: UInt64 = 22
    private static let lengthMask: UInt64 = (1 << lengthBits) - 1
    private static let offsetLimit = 1 << 40

    public init() {}

    /// The spans of `spans`, in order, at their size.
    public init(_ spans: some Collection<ByteSpool.Span>) {
        words.reserveCapacity(spans.count)
        for span in spans { append(span) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { words.count }

    public subscript(index: Int) -> ByteSpool.Span { Self.span(of: words[index], wide: wide) }

    public mutating func append(_ span: ByteSpool.Span) { words.append(Self.word(for: span, wide: &wide)) }

    public mutating func reserveCapacity(_ count: Int) { words.reserveCapacity(count) }

    /// The word for `span`, the span put in `wide` when it does not fit one.
    public static func word(for span: ByteSpool.Span, wide: inout [ByteSpool.Span]) -> UInt64 {
        guard span.offset >= 0, span.offset < offsetLimit, span.length >= 0, UInt64(span.length) <= lengthMask else {
            wide.append(span)
            return wideFlag | UInt64(wide.count - 1)
        }
        return UInt64(span.offset) << lengthBits | UInt64(span.length)
    }

    /// The span a word of `word(for:wide:)` stands for.
    public static func span(of word: UInt64, wide: [ByteSpool.Span]) -> ByteSpool.Span {
        if word & wideFlag != 0 { return wide[Int(word & ~wideFlag)] }
        return ByteSpool.Span(offset: Int(word >> lengthBits), length: Int(word & lengthMask))
    }
}
