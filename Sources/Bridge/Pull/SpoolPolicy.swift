import FHIRModel

/// Whether a run holds a `--from` directory's study as trees or in a `ByteSpool` (spans, each resource or record
/// parsed again when a stage reads it). Trees are fastest; an export's take five to six times its JSON in memory (a
/// reconcile's, which builds only the fields and members its links and plan read, about 1.5 times); the spool keeps
/// memory to the link's keys whatever the study's size, at the cost of parsing again.
public enum SpoolPolicy: String, Sendable, CaseIterable {
    case never, always
    /// Spool when the directory's JSON (fhir/ and shared-data/) is larger than `automaticThreshold`.
    case automatic = "auto"
    /// Spool only when the trees would crowd the memory the process may use: when `treesPerJSONByte` times the
    /// directory's JSON passes `memoryShare` of it. A reconcile's default: its trees are a run's fastest form, and
    /// about 1.5 times its JSON (160 MB for the 113 MB of a 10,000-subject generated study; 66 MB spooled, about 3%
    /// slower: each stage parses again what it reads), so only a study far larger is spooled.
    case memoryShare = "memory"

    /// What `memoryShare` takes trees to weigh, per byte of JSON (a margin over the 1.5 measured).
    public static let treesPerJSONByte = 2
    /// The share of usable memory (`SystemIO.usableMemory`) the trees may take under `memoryShare`: a quarter.
    public static let memoryShareDivisor = 4

    /// 64 MB of JSON is about 400 MB as trees: past that, memory stays bounded by the keys (a 10,000-subject
    /// generated study, 145 MB of JSON, exports in about 100 MB spooled, 315 MB as trees, at 1.45 times the time).
    public static let automaticThreshold = 64 << 20

    /// `IMMPORT_BRIDGE_SPOOL` (`always`, `never`, `auto`, `memory`) when set to one of those, else `automatic`.
    public static let fromEnvironment = environmentSetting ?? .automatic

    /// `IMMPORT_BRIDGE_SPOOL` when set to a policy's name; nil otherwise (each command then has its default).
    public static let environmentSetting = SpoolPolicy(rawValue: SystemIO.environment("IMMPORT_BRIDGE_SPOOL") ?? "")

    /// Whether to spool the directory at `root` (laid out like Fixtures/).
    public func spools(directory root: String) -> Bool {
        switch self {
        case .never: false
        case .always: true
        case .automatic: Self.jsonBytes(under: root + "/fhir") + Self.jsonBytes(under: root + "/shared-data") > Self.automaticThreshold
        case .memoryShare:
            Self.treesCrowdMemory(jsonBytes: Self.jsonBytes(under: root + "/fhir") + Self.jsonBytes(under: root + "/shared-data"))
        }
    }

    /// Whether trees of `jsonBytes` of JSON would pass `memoryShare`'s share of `usableMemory`.
    static func treesCrowdMemory(jsonBytes: Int, usableMemory: Int = SystemIO.usableMemory) -> Bool {
        let (trees, overflow) = jsonBytes.multipliedReportingOverflow(by: treesPerJSONByte)
        return overflow || trees > usableMemory / memoryShareDivisor
    }

    /// The size of the files under `directory`, its folders included (a Shared Data tree is several deep).
    static func jsonBytes(under directory: String) -> Int {
        var total = 0
        for name in DirectoryListing.names(in: directory) ?? [] {
            let path = directory + "/" + name
            if let size = FileBytes.regularFileSize(path: path) { total += size } else { total += jsonBytes(under: path) }
        }
        return total
    }
}
