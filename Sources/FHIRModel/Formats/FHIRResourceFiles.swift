/// Many resource files (a directory of one-resource files, say) read on every core, each through
/// `FHIRResourceInput`, the one reader. The answer is the sequential one: every file's resources in the files'
/// order, and when files are bad, the error of the first bad file in that order. Reading a file is mostly parsing
/// it, and files do not depend on each other.
public enum FHIRResourceFiles {
    public static func read(
        paths: [String], options: FHIRResourceInput.Options, workers: Int = ParallelMap.defaultWorkers
    ) throws -> [[FHIRElement]] {
        try read(paths: paths, options: options, workers: workers) { $0 }
    }

    /// Like `read`, each resource handed to `each` on the core that read it (what a caller would otherwise work
    /// out of every resource on one core afterwards, such as its key).
    public static func read<Read>(
        paths: [String], options: FHIRResourceInput.Options, workers: Int = ParallelMap.defaultWorkers,
        each: @Sendable (FHIRElement) -> Read
    ) throws -> [[Read]] {
        try ParallelMap.map(count: paths.count, workers: workers, startOrder: largestFirst(paths)) { index in
            var resources: [Read] = []
            let input = try FHIRResourceInput(path: paths[index], options: options)
            try input.forEachResource { resource, _ in resources.append(each(resource)) }
            return resources
        }
    }

    /// A resource written to a spool: what a collection needs to keep it without its tree.
    /// A spooled resource's span and identity: 72 bytes (a million of them wait to be added when one file holds a
    /// million resources).
    public struct Spooled: Sendable {
        public var span: ByteSpool.Span
        /// The resource's `Type/id`; for a resource without an id, its type (`?` when it has none) and an empty id.
        public var key: FHIRResourceKey
        public var versionId: String?

        public var hasID: Bool { !key.id.isEmpty }
    }

    /// Like `read`, but each resource is written to `spool` as soon as it is read, and only its span and identity
    /// are kept: memory holds one resource per worker, not the files. An NDJSON line or a one-resource document
    /// is spooled as its text and built only as far as its identity (`resourceType`, `id`, `meta`; the rest is
    /// checked as JSON and skipped); anything else (array items, XML) is built whole and written as compact JSON.
    /// Either reads back as the tree `read` gives. Files are read on every core; the answer is in their order.
    public static func spool(
        paths: [String], options: FHIRResourceInput.Options, into spool: ByteSpool, workers: Int = ParallelMap.defaultWorkers
    ) throws -> [[Spooled]] {
        var options = options
        options.keepsSourceText = true
        options.topLevelKeys = FHIRJSONKeyFilter(keys: ["resourceType", "id", "meta"])
        let reading = options
        return try ParallelMap.map(count: paths.count, workers: workers, startOrder: largestFirst(paths)) { index in
            var spooled: [Spooled] = []
            let writer = FHIRJSONWriter()
            var bytes: [UInt8] = []
            // Resources go into the spool a quarter megabyte at a time (`ByteSpool.Staged`: one turn of its lock);
            // the staged ones wait with the span they have among the staged bytes, moved once they are in.
            var staged = ByteSpool.Staged()
            var firstStaged = 0
            func appendStaged() throws {
                for (offset, span) in try spool.append(staged).enumerated() { spooled[firstStaged + offset].span = span }
                staged.removeAll()
                firstStaged = spooled.count
            }
            let input = try FHIRResourceInput(path: paths[index], options: reading)
            try input.forEachResource { resource, _ in
                if let text = input.sourceText {
                    staged.appendJSON(text)
                } else {
                    bytes.removeAll(keepingCapacity: true)
                    writer.write(resource, into: &bytes)
                    staged.appendJSON(bytes)
                }
                spooled.append(
                    Spooled(
                        span: staged.spans[staged.spans.count - 1],
                        key: FHIRResourceKey(resource: resource) ?? FHIRResourceKey(type: resource.resourceType ?? "?", id: ""),
                        versionId: resource.versionId))
                if staged.byteCount >= stagedLimit { try appendStaged() }
            }
            try appendStaged()
            return spooled
        }
    }

    /// How many bytes of resources a worker stages before it appends them to the spool.
    static let stagedLimit = 256 << 10

    /// The files, largest first: a Bulk Data directory has a file per type, and the largest read last ran alone
    /// on one core (a tenth of a reconcile's read). Standard input and unreadable paths count as empty. Many
    /// files (a directory of one-resource files) are small alike and are started in their order, without a
    /// `stat` each.
    static func largestFirst(_ paths: [String]) -> [Int]? {
        guard paths.count > 1, paths.count <= 1024 else { return nil }
        return ParallelMap.largestFirst(count: paths.count) { FileBytes.regularFileSize(path: paths[$0]) ?? 0 }
    }
}
