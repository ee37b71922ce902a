import FHIRModel

/// One page of search hits.
public struct SharedDataSearchPage: Sendable {
    public var fromRecord: Int
    /// `hits.total.value`.
    public var total: Int?
    /// `hits.hits[]` items (with `_id` and `_source`), raw JSON kept.
    public var hits: [SharedDataRecord]
    public var url: String
    /// Hits dropped because an earlier page had the same `_id`.
    public var duplicatesDropped: Int
}

/// The pages of `/api/search/study` or `/api/search/subject`, fetched as consumed.
public struct SharedDataSearch: AsyncSequence, Sendable {
    public typealias Element = SharedDataSearchPage
    let client: SharedDataClient
    let endpoint: SharedDataEndpoint
    let query: [(String, String)]
    let pageSize: Int

    public func makeAsyncIterator() -> Iterator { Iterator(search: self) }

    public struct Iterator: AsyncIteratorProtocol {
        let search: SharedDataSearch
        var fromRecord: Int
        var seen: Set<String> = []
        var finished = false
        var delivered = 0

        init(search: SharedDataSearch) {
            self.search = search
            fromRecord = Int(search.query.first { $0.0 == "fromRecord" }?.1 ?? "0") ?? 0
        }

        public mutating func next() async throws -> SharedDataSearchPage? {
            guard !finished else { return nil }
            let query = search.query.filter { $0.0 != "fromRecord" && $0.0 != "pageSize" }
                + [("fromRecord", String(fromRecord)), ("pageSize", String(search.pageSize))]
            let response = try await search.client.request(search.endpoint, query: query)
            let tree = try response.tree()
            guard let hitItems = tree["hits"]?["hits"]?.arrayValue else {
                throw ImmPortAPIError(.invalidResponse, url: response.url, message: "no hits.hits array in the search answer")
            }
            let total = tree["hits"]?["total"]?["value"]?.numberValue?.intValue ?? tree["hits"]?["total"]?.numberValue?.intValue
            var hits: [SharedDataRecord] = []
            var duplicates = 0
            for item in hitItems {
                let id = item["_id"]?.stringValue ?? item["_source"].map { String(decoding: FHIRJSONWriter().write($0), as: UTF8.self) } ?? ""
                guard seen.insert(id).inserted else {
                    duplicates += 1
                    continue
                }
                // The hit's raw text is re-serialized from the tree, which keeps number literals and key order.
                hits.append(SharedDataRecord(index: delivered + hits.count, element: item, rawJSON: FHIRJSONWriter().write(item)))
            }
            let page = SharedDataSearchPage(
                fromRecord: fromRecord, total: total, hits: hits, url: response.url, duplicatesDropped: duplicates)
            delivered += hits.count
            fromRecord += hitItems.count
            if hitItems.isEmpty || (total.map { fromRecord >= $0 } ?? (hitItems.count < search.pageSize)) { finished = true }
            if hitItems.isEmpty { return nil }
            return page
        }
    }
}
