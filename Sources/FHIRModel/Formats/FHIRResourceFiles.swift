/// Many resource files (a directory of one-resource files, a Bulk Data export's file per type) read on every core,
/// each through `FHIRResourceInput`, the one reader, a large NDJSON file in pieces cut at its lines. The answer is
/// the sequential one: every file's resources in the files' order, and when files are bad, the error of the first
/// bad file in that order. Reading a file is mostly parsing it, and files (and lines) do not depend on each other.
public enum FHIRResourceFiles {
    public static func read(
        paths: [String], options: FHIRResourceInput.Options, workers: Int = ParallelMap.defaultWorkers, pieceSize: Int = pieceSize
    ) throws -> [[FHIRElement]] {
        try read(paths: paths, options: options, workers: workers, pieceSize: pieceSize) { $0 }
    }

    /// Like `read`, each resource handed to `each` on the core that read it (what a caller would otherwise work
    /// out of every resource on one core afterwards, such as its key).
    public static func read<Read>(
        paths: [String], options: FHIRResourceInput.Options, workers: Int = ParallelMap.defaultWorkers,
        pieceSize: Int = pieceSize, each: @Sendable (FHIRElement) -> Read
    ) throws -> [[Read]] {
        var files = [[Read]](repeating: [], count: paths.count)
        try stream(paths: paths, options: options, workers: workers, pieceSize: pieceSize) { input in
            var resources: [Read] = []
            try input.forEachResource { resource, _ in resources.append(each(resource)) }
            return resources
        } consume: { file, resources in
            if files[file].isEmpty { files[file] = resources } else { files[file] += resources }
        }
        return files
    }

    /// Files of lines larger than twice this are read in pieces this size, on every core: a Bulk Data export has a
    /// file per type, and its largest file (the Observations) read whole on one core left the others idle.
    public static let pieceSize = 1 << 20

    /// Every file read on every core, a piece at a time (a large NDJSON file cut at its lines, `pieceSize`), each
    /// piece through `read` with an input over it (`FHIRResourceInput(ndjsonLines:...)` for a cut file, whose
    /// places count within the piece), and the pieces' answers handed to `consume` in the files' and pieces' order,
    /// on the calling thread, while the next ones are read. The outcome is a plain loop's over the files, failures
    /// included: a piece that fails is read again as its whole file, which gives the error its line.
    ///
    /// `optionsForJob`, when given, is asked for each job's options as the job starts, instead of `options`: what a
    /// caller learns while the files are read (the members its stages will read) applies to the jobs after.
    ///
    /// `stop`, when given, is asked as each job starts; once it answers true no job starts and `Stopped` is thrown
    /// (a run whose mapping failed while its files were being read does not read the rest of them).
    public static func stream<Read>(
        paths: [String], options: FHIRResourceInput.Options, optionsForJob: (@Sendable () -> FHIRResourceInput.Options)? = nil,
        stop: (@Sendable () -> Bool)? = nil,
        workers: Int = ParallelMap.defaultWorkers, pieceSize: Int = pieceSize, read: @Sendable (FHIRResourceInput) throws -> Read,
        consume: (_ file: Int, Read) throws -> Void
    ) throws {
        let pieces = Self.pieces(of: paths, options: options, pieceSize: pieceSize)
        // Small files go several to a job, so that a directory of one-resource files is not a turn of the
        // conveyor's lock for each.
        let jobs = Self.jobs(pieces, pieceSize: pieceSize)
        // A whole file's failure is thrown where it happens; a piece's is kept (`.failure`) for `consume` to read
        // the file again.
        try ParallelMap.streamChunks(count: jobs.count, chunkSize: 1, workers: workers) { chunk -> [Result<Read, any Error>] in
            if let stop, stop() { throw Stopped() }
            // Each job reads with a path and options of its own: every resource it reads retains them, and two cores
            // retaining the same strings and filter fought over their reference counts (a fifth of spooling a
            // large directory was retains and releases).
            let options = (optionsForJob?() ?? options).unshared
            return try jobs[chunk.lowerBound].map { index -> Result<Read, any Error> in
                let piece = pieces[index]
                let path = paths[piece.file].unshared
                guard let range = piece.range else { return .success(try read(FHIRResourceInput(path: path, options: options))) }
                do {
                    let (bytes, lines) = try FileBytes.lines(startingIn: range, ofFileAt: path)
                    // The first piece's first line is line 1 (where a byte order mark may be); the others' are not.
                    let input = FHIRResourceInput(
                        ndjsonLines: bytes, in: lines, path: path, firstLine: range.lowerBound == 0 ? 1 : 2,
                        fileOffset: FileBytes.linesOffset(startingIn: range), options: options)
                    return .success(try read(input))
                } catch {
                    return .failure(error)
                }
            }
        } consume: { chunk, made in
            for (index, piece) in zip(jobs[chunk.lowerBound], made) {
                let file = pieces[index].file
                switch piece {
                case .success(let answer): try consume(file, answer)
                case .failure(let error):
                    _ = try read(FHIRResourceInput(path: paths[file], options: options))
                    throw error
                }
            }
        }
    }

    /// Thrown by `stream` (and `spool`) when its `stop` said so: the reading was given up, not failed.
    public struct Stopped: Error, CustomStringConvertible {
        public var description: String { "reading the files was stopped" }
    }

    /// What one job reads: a whole file (of `size` bytes, when it was looked at), or the lines of a cut file that
    /// start in `range`.
    struct Piece: Sendable {
        var file: Int
        var range: Range<Int>? = nil
        var size: Int? = nil
    }

    /// The pieces of `paths`, in order: NDJSON files larger than twice `pieceSize` cut, every other file whole.
    /// Many files (a directory of one-resource files) are read whole without a `stat` each.
    static func pieces(of paths: [String], options: FHIRResourceInput.Options, pieceSize: Int) -> [Piece] {
        var pieces: [Piece] = []
        pieces.reserveCapacity(paths.count)
        for (file, path) in paths.enumerated() {
            guard paths.count <= 1024, let size = FileBytes.regularFileSize(path: path) else {
                pieces.append(Piece(file: file))
                continue
            }
            guard pieceSize > 0, size > 2 * pieceSize,
                (try? options.format ?? FHIRResourceInput(path: path, options: options).format) == .ndjson
            else {
                pieces.append(Piece(file: file, size: size))
                continue
            }
            for start in stride(from: 0, to: size, by: pieceSize) {
                pieces.append(Piece(file: file, range: start..<min(size, start + pieceSize)))
            }
        }
        return pieces
    }

    /// The pieces grouped into jobs, in order: a cut file's pieces one to a job, whole files together up to 16 of
    /// them or `pieceSize` bytes (so that files of a megabyte or two are still one to a job).
    static func jobs(_ pieces: [Piece], pieceSize: Int) -> [Range<Int>] {
        var jobs: [Range<Int>] = []
        var start = 0
        while start < pieces.count {
            var end = start + 1
            if pieces[start].range == nil {
                var bytes = pieces[start].size ?? 0
                while end < pieces.count, end - start < 16, bytes < pieceSize, pieces[end].range == nil {
                    bytes += pieces[end].size ?? 0
                    end += 1
                }
            }
            jobs.append(start..<end)
            start = end
        }
        return jobs
    }

    /// A resource written to a spool: what a collection needs to keep it without its tree.
    /// A spooled resource's span and identity: 72 bytes (a million of them wait to be added when one file holds a
    /// million resources).
    public struct Spooled: Sendable {
        public var span: ByteSpool.Span
        /// The resource's `Type/id`; for a resource without an id, its type (`?` when it has none) and an empty id.
        public let key: FHIRResourceKey
        public var versionId: String?
        /// `key.hashValue`, worked out by the worker that read the resource: the collection that takes a million of
        /// them looks each up on one core (`FHIRResourceCollection.add(spooled:)`).
        public let keyHash: Int

        public init(span: ByteSpool.Span, key: FHIRResourceKey, versionId: String?) {
            self.span = span
            self.key = key
            self.versionId = versionId
            keyHash = key.hashValue
        }

        public var hasID: Bool { !key.id.isEmpty }
    }

    /// Like `read`, but each resource is written to `spool` as soon as it is read, and only its span and identity
    /// are kept: memory holds one resource per worker, not the files. An NDJSON line or a one-resource document
    /// is spooled as its text and built only as far as its identity (`resourceType` and `id`, its version read from
    /// `meta`'s bytes; the rest is checked as JSON and skipped); anything else (array items, XML) is built whole and
    /// written as compact JSON. Either reads back as the tree `read` gives. Files are read on every core (a large
    /// NDJSON file in pieces); the answer is in their order.
    ///
    /// `referringToFiles`: a line of a regular file (the places of its members found) is spooled as a reference
    /// to its text in the file, not as the text (`ByteSpool+Sources.swift`), which reads back the same; false
    /// copies every text (the general way, for tests that hold the two equal).
    public static func spool(
        paths: [String], options: FHIRResourceInput.Options, into spool: ByteSpool, workers: Int = ParallelMap.defaultWorkers,
        pieceSize: Int = pieceSize, referringToFiles: Bool = true
    ) throws -> [[Spooled]] {
        var files = [[Spooled]](repeating: [], count: paths.count)
        try self.spool(paths: paths, options: options, into: spool, workers: workers, pieceSize: pieceSize, referringToFiles: referringToFiles) {
            file, spooled in
            if files[file].isEmpty { files[file] = spooled } else { files[file] += spooled }
        }
        return files
    }

    /// `spool(paths:...)` handing each job's resources to `consume` as the job is done (a file's index and its
    /// next resources, in file and resource order), on the calling thread, so that a caller can take them in while
    /// the next jobs are read rather than hold every file's at once.
    public static func spool(
        paths: [String], options: FHIRResourceInput.Options, into spool: ByteSpool, workers: Int = ParallelMap.defaultWorkers,
        pieceSize: Int = pieceSize, referringToFiles: Bool = true, stop: (@Sendable () -> Bool)? = nil,
        consume: (Int, [Spooled]) throws -> Void
    ) throws {
        var options = options
        options.keepsSourceText = true
        // `meta` is read apart, as far as its versionId (below): built whole, its tags and times were most of what
        // was built of each resource, only to be let go.
        options.topLevelKeys = FHIRJSONKeyFilter.resourceIdentity
        // The spool opens the NDJSON files it will refer to before they are read (the first `sourceFileLimit`, in
        // order), so that what a worker read and the file the spool holds are one file whenever the path still names
        // it when the worker asks (`source(path:)`).
        if referringToFiles {
            for path in paths where (options.format ?? FHIRFormat.named(byPath: path)) == .ndjson { spool.openSource(path: path) }
        }
        try stream(paths: paths, options: options, stop: stop, workers: workers, pieceSize: pieceSize) { input in
            var spooled: [Spooled] = []
            let writer = FHIRJSONWriter()
            var bytes: [UInt8] = []
            // Resources go into the spool a quarter megabyte at a time (`ByteSpool.Staged`: one turn of its lock);
            // the staged ones wait with the span they have among the staged bytes, moved once they are in. A
            // reference stands for its text in that count.
            var staged = ByteSpool.Staged()
            var stagedText = 0
            var firstStaged = 0
            func appendStaged() throws {
                for (offset, span) in try spool.append(staged).enumerated() { spooled[firstStaged + offset].span = span }
                staged.removeAll()
                stagedText = 0
                firstStaged = spooled.count
            }
            // The input's file, looked up once, after the input has read from it (nil: its texts are copied).
            var looked = false
            var source: ByteSpool.SourceID?
            func sourceFile() -> ByteSpool.SourceID? {
                if !looked {
                    source = spool.source(path: input.path)
                    looked = true
                }
                return source
            }
            try input.forEachResource { resource, _ in
                let found = try input.withSourceText { text -> String? in
                    let members = input.sourceTextMembers ?? ByteSpool.index(of: text)
                    if referringToFiles, let offset = input.sourceTextFileOffset, let indexed = members.flatMap(ByteSpool.indexable),
                        let file = sourceFile()
                    {
                        staged.appendJSON(sourcedFrom: file, at: offset, length: text.count, members: indexed)
                    } else {
                        staged.appendJSON(text, members: members)
                    }
                    stagedText += text.count
                    return try Self.versionId(of: text, members: members)
                }
                let versionId: String?
                if let found {
                    versionId = found
                } else {
                    bytes.removeAll(keepingCapacity: true)
                    writer.write(resource, into: &bytes)
                    staged.appendJSON(bytes)
                    stagedText += bytes.count
                    versionId = resource.versionId
                }
                spooled.append(
                    Spooled(
                        span: staged.spans[staged.spans.count - 1],
                        key: FHIRResourceKey(resource: resource) ?? FHIRResourceKey(type: resource.resourceType ?? "?", id: ""),
                        versionId: versionId))
                if stagedText >= stagedLimit { try appendStaged() }
            }
            try appendStaged()
            return spooled
        } consume: { file, spooled in
            try consume(file, spooled)
        }
    }

    /// `meta.versionId` of a resource read and checked as `text` (`FHIRElement.versionId` of its tree), found by
    /// the places of its members (`members`, nil when it has none) and a scan of `meta`'s up to the version
    /// (`JSONTopLevelMembers.value(named:inDocument:)`): only the version's value is made. (A filtered parse of
    /// `meta` cost as much as building it: the reader's key shape, kept per thread for the resources' keys, was lost
    /// to `meta`'s every time.)
    static func versionId(of bytes: UnsafeRawBufferPointer, members: [JSONTopLevelMembers.Member]?) throws -> String? {
        guard let members else { return try metaReader.read(bytes).versionId }
        guard let meta = JSONTopLevelMembers.value(named: "meta", among: members, in: bytes) else { return nil }
        // `meta`'s members up to `versionId` (usually its first), not all of them indexed into an array (`scan`): the
        // version is read this way for every resource of a directory.
        switch JSONTopLevelMembers.value(named: "versionId", inDocument: meta) {
        case .some(let value?): return try JSONTopLevelMembers.string(of: value)
        case .some(nil): return nil
        case nil: return try versionIdReader.read(meta)["versionId"]?.stringValue
        }
    }

    /// `meta.versionId` of the resource `input` is handing out: read from its text when the input has it (the tree
    /// may be built without `meta`: `Options.topLevelKeysByType`), else from the tree, which is then whole (array
    /// items, Bundle entries and XML are built whole). Needs `Options.keepsSourceText`.
    public static func versionId(of resource: FHIRElement, handedOutBy input: FHIRResourceInput) throws -> String? {
        let fromText = try input.withSourceText { text in
            try versionId(of: text, members: input.sourceTextMembers ?? JSONTopLevelMembers.scan(text))
        }
        return fromText ?? resource.versionId
    }

    /// Read again what was read and checked: keys are known to be unique.
    static let metaReader = FHIRJSONReader(options: .init(topLevelKeys: FHIRJSONKeyFilter(keys: ["meta"]), keysKnownUnique: true))
    static let versionIdReader = FHIRJSONReader(options: .init(topLevelKeys: FHIRJSONKeyFilter(keys: ["versionId"]), keysKnownUnique: true))

    /// How many bytes of resources a worker stages before it appends them to the spool.
    static let stagedLimit = 256 << 10
}
