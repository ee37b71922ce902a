import FHIRModel

/// How a resource got into a searchset: it matched, or an `_include`/`_revinclude` brought it.
public enum FHIRSearchMode: String, Sendable {
    case match, include, outcome
}

public struct FHIRSearchEntry: Sendable {
    public var resource: FHIRElement
    public var key: FHIRResourceKey
    public var mode: FHIRSearchMode
    public var fullUrl: String?
    /// The resource's JSON exactly as the server sent it (a slice of the page's body, not a copy), so that it can
    /// be written out without serialising the tree again; nil when it could not be located.
    public var receivedJSON: ArraySlice<UInt8>?
    /// 0-based position among the entries this search has handed out, across pages.
    public var sequence: Int
    /// When an earlier page already gave an older version of this resource: that entry's `sequence`.
    public var replacedSequence: Int?

    /// True when an earlier page already gave an older version of this resource, which this one replaces.
    public var replacesEarlierVersion: Bool { replacedSequence != nil }
}

/// One page of a search, with duplicates of earlier pages already removed.
public struct FHIRSearchPage: Sendable {
    /// 1-based, counting pages fetched (restarts included).
    public var number: Int
    /// The page's URL with secrets removed.
    public var url: String
    /// `Bundle.total`, when the server sent one (HAPI often does not).
    public var total: Int?
    public var entries: [FHIRSearchEntry]
    /// OperationOutcomes the server put in the page (`search.mode = outcome`): warnings about the search.
    public var outcomes: [FHIRElement]
    /// Entries dropped because an earlier page had the same resource in the same or a newer version.
    public var duplicatesDropped: Int
    /// Set on the first page after the search was restarted because a page had expired (410 Gone).
    public var restartedAfterExpiry: Bool
    /// How many `include` entries the page carried, duplicates included (HAPI caps them per page).
    public var includedCount: Int
    /// The next page's URL (resolved, as it will be requested), nil on the last page: where a search interrupted
    /// after this page goes on (`FHIRClient.search(_:_:resumingAt:)`).
    public var nextURL: String?

    public var matches: [FHIRSearchEntry] { entries.filter { $0.mode == .match } }
    public var includes: [FHIRSearchEntry] { entries.filter { $0.mode == .include } }
}
