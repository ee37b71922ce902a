import FHIRModel

/// One record of a Shared Data answer: the element tree, plus the record's JSON exactly as the server sent it
/// (quirks such as numbers in strings, `"TBD"`, snake_case stragglers are kept, not fixed).
public struct SharedDataRecord: Sendable {
    /// 0-based position in the answer (or in the whole search, for search hits).
    public var index: Int
    public var element: FHIRElement
    public var rawJSON: [UInt8]

    public var rawText: String { String(decoding: rawJSON, as: UTF8.self) }
}

/// A complete Shared Data answer. Array answers hand out their records one at a time from the body bytes.
public struct SharedDataResponse: Sendable {
    public var endpoint: SharedDataEndpoint
    /// The request URL with secrets removed.
    public var url: String
    public var body: [UInt8]
    /// Item ranges when the body is an array, found (and checked for truncation) when the response arrived.
    let itemRanges: [Range<Int>]?

    public var isArray: Bool { itemRanges != nil }
    public var recordCount: Int { itemRanges?.count ?? 1 }

    /// The records, parsed lazily: an array's items, or the single object.
    public var records: SharedDataRecords { SharedDataRecords(response: self) }

    /// The whole body as one tree.
    public func tree() throws -> FHIRElement {
        do {
            return try FHIRJSONReader(options: .init(source: url)).read(body)
        } catch let error as FHIRJSONError {
            throw ImmPortAPIError(.invalidResponse, url: url, message: "invalid JSON: \(error.line):\(error.column): \(error.reasonText)")
        }
    }
}

public struct SharedDataRecords: Sequence, Sendable {
    let response: SharedDataResponse

    public func makeIterator() -> Iterator { Iterator(response: response) }

    /// Throws through `next()` only by returning nil; use `SharedDataRecords.Iterator.failure` or `all()` to see errors.
    public struct Iterator: IteratorProtocol {
        let response: SharedDataResponse
        var position = 0
        public private(set) var failure: ImmPortAPIError?

        public mutating func next() -> SharedDataRecord? {
            do { return try nextRecord() } catch {
                failure = error
                return nil
            }
        }

        /// The next record, nil at the end; throws for a record that is not valid JSON (naming URL and record).
        public mutating func nextRecord() throws(ImmPortAPIError) -> SharedDataRecord? {
            let ranges = response.itemRanges ?? [0..<response.body.count]
            guard position < ranges.count else { return nil }
            let range = ranges[position]
            defer { position += 1 }
            let raw = Array(response.body[range])
            do {
                return SharedDataRecord(index: position, element: try FHIRJSONReader().read(raw), rawJSON: raw)
            } catch {
                throw ImmPortAPIError(
                    .invalidResponse, url: response.url,
                    message: "record \(position) (bytes \(range.lowerBound)..<\(range.upperBound)) is not valid JSON: \((error as? FHIRJSONError)?.reasonText ?? "\(error)")")
            }
        }
    }

    /// Every record, or the first error.
    public func all() throws(ImmPortAPIError) -> [SharedDataRecord] {
        var iterator = makeIterator()
        var result: [SharedDataRecord] = []
        while let record = try iterator.nextRecord() { result.append(record) }
        return result
    }
}

extension SharedDataResponse {
    /// Checks an answer as it arrives: an array is split into its items (a truncated one fails), anything else is
    /// read whole (a truncated object fails), so that a broken answer is retried by the transport. Throws
    /// `FHIRJSONError`.
    init(checking response: HTTPResponseData, endpoint: SharedDataEndpoint) throws {
        try self.init(checking: response.body, from: response.redactedURL, endpoint: endpoint)
    }

    init(checking body: [UInt8], from url: String, endpoint: SharedDataEndpoint) throws {
        var ranges: [Range<Int>]?
        let first = JSONArraySplitter.firstValueOffset(body)
        if first < body.count, body[first] == UInt8(ascii: "[") {
            do {
                ranges = try JSONArraySplitter.itemRanges(body)
            } catch {  // typed: a JSONArraySplitter.Malformed
                throw FHIRJSONError(reason: .unexpectedEnd(expecting: error.reason), offset: error.offset, line: 0, column: 0, source: nil)
            }
        } else {
            _ = try FHIRJSONReader().read(body)
        }
        self.init(endpoint: endpoint, url: url, body: body, itemRanges: ranges)
    }
}
