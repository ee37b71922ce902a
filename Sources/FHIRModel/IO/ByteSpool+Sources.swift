#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Documents a spool refers to rather than holds: a resource read from a line of a regular file is already on disk,
/// so the spool keeps the places of its members and where its text is in that file, not the text.
///
/// Why: spooling a Bulk Data directory copied every line four times (out of the line reader, into the worker's
/// staged bytes, into the spool's buffer, into the page cache through `write`): at a million resources, 611 MB of
/// text written to a temporary file only to be read back, a tenth of an export's time, and as much disk. Read back,
/// such a document is handed to readers exactly as if its text had been appended (`IndexedDocument`'s layout), so
/// nothing that reads a spool knows the difference; `SpooledSourcesTests` holds the two ways equal.
///
/// The spool opens each file before it is read and holds it open, so a file replaced (renamed over) while the run
/// goes on is still read as it was; lines read from a file that is not the one held open (replaced between the two
/// opens) are copied. One changed in place (its size or modification time not what they were when first opened) is refused,
/// with its path, by the read that finds it: its bytes are no longer what was read and checked.
extension ByteSpool {
    /// A source file, by its place among the spool's sources.
    public struct SourceID: Sendable, Hashable {
        let index: UInt32
    }

    /// At most this many files are referred to (each holds a descriptor open); later ones are copied.
    static let sourceFileLimit = 64

    /// The files a spool refers to, opened once each; `byPath` has nil for a path it does not refer to.
    struct SourceFiles {
        struct File {
            let fd: Int32
            let path: String
            let identity: Identity
        }
        var files: [File] = []
        var byPath: [String: SourceID?] = [:]

        func closeAll() { for file in files { close(file.fd) } }
    }

    /// What tells one state of a file from another: the file (device and inode), its size and when it last changed.
    struct Identity: Equatable {
        let device: UInt64
        let inode: UInt64
        let size: Int
        let seconds: Int
        let nanoseconds: Int

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int(info.st_size)
            #if canImport(Darwin)
            (seconds, nanoseconds) = (Int(info.st_mtimespec.tv_sec), Int(info.st_mtimespec.tv_nsec))
            #else
            (seconds, nanoseconds) = (Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec))
            #endif
        }
    }

    /// Opens the file at `path` for the spool to refer to (once; nothing when it is not a regular file, cannot be
    /// opened, or the spool refers to `sourceFileLimit` files already). A reader opens a file this way before it reads
    /// it, and asks `source(path:)` for what it read: so the spool refers only to the bytes the reader read.
    public func openSource(path: String) {
        sources.withLock { table in
            guard table.byPath[path] == nil else { return }
            var found: SourceID?
            if table.files.count < Self.sourceFileLimit {
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                var info = stat()
                if fd >= 0, fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                    found = SourceID(index: UInt32(table.files.count))
                    table.files.append(SourceFiles.File(fd: fd, path: path, identity: Identity(info)))
                } else if fd >= 0 {
                    close(fd)
                }
            }
            table.byPath[path] = .some(found)
        }
    }

    /// The source file `openSource(path:)` opened at `path`, when the file there now is still that one (not replaced
    /// since, nor changed); nil otherwise, and the caller appends the document's text.
    public func source(path: String) -> SourceID? {
        let known = sources.withLock { table -> (SourceID, Identity)? in
            guard let id = table.byPath[path] ?? nil else { return nil }
            return (id, table.files[Int(id.index)].identity)
        }
        guard let (id, identity) = known else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, Identity(info) == identity else { return nil }
        return id
    }

    /// `length` bytes of source file `source` at `offset`, after checking that the file is as it was when first
    /// opened.
    func readSource(_ source: UInt32, offset: Int, length: Int) throws -> [UInt8] {
        let file = sources.withLock { $0.files[Int(source)] }
        let operation = "read again (it changed while immport-bridge was reading it)"
        var info = stat()
        guard fstat(file.fd, &info) == 0, Identity(info) == file.identity, offset + length <= file.identity.size else {
            throw FileIOError(path: file.path, operation: operation, code: ESTALE)
        }
        return try Self.read(file.fd, path: file.path, offset: offset, length: length, operation: operation, shortReadCode: ESTALE)
    }

    /// Opens a document kept as a reference (JSON never starts with this byte, nor does an indexed document).
    static let sourcedMarker: UInt8 = 0x02

    /// A document kept as a reference: the marker, the source (32 bits), the text's offset (64) and length (32) in
    /// it, then the members' count and places as an indexed document has them (`appendDocument`), little-endian.
    struct SourcedDocument {
        static let headerSize = 17
        let source: UInt32
        let offset: Int
        let length: Int
        /// The members' count and places, as an indexed document has them after its marker.
        let index: UnsafeRawBufferPointer

        init?(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count >= Self.headerSize + 2, bytes[0] == ByteSpool.sourcedMarker else { return nil }
            source = bytes.loadUnaligned(fromByteOffset: 1, as: UInt32.self).littleEndian
            offset = Int(bytes.loadUnaligned(fromByteOffset: 5, as: UInt64.self).littleEndian)
            length = Int(bytes.loadUnaligned(fromByteOffset: 13, as: UInt32.self).littleEndian)
            index = UnsafeRawBufferPointer(rebasing: bytes[Self.headerSize...])
        }

        /// Appends the reference to `buffer`.
        static func append(
            source: SourceID, offset: Int, length: Int, members: [JSONTopLevelMembers.Member], to buffer: inout [UInt8]
        ) {
            withUnsafeTemporaryAllocation(byteCount: headerSize, alignment: 1) { raw in
                raw[0] = ByteSpool.sourcedMarker
                raw.storeBytes(of: source.index.littleEndian, toByteOffset: 1, as: UInt32.self)
                raw.storeBytes(of: UInt64(offset).littleEndian, toByteOffset: 5, as: UInt64.self)
                raw.storeBytes(of: UInt32(length).littleEndian, toByteOffset: 13, as: UInt32.self)
                buffer.append(contentsOf: UnsafeRawBufferPointer(raw))
            }
            ByteSpool.appendIndex(members, to: &buffer)
        }
    }

    /// The texts of the referring documents among a run of documents read from the spool, read from their files
    /// a run at a time (documents appended in order refer to lines in order), and each such document handed over
    /// as the indexed document its text and places make.
    struct SourcedRun {
        /// Texts read together: one buffer per run of a file.
        private var texts: [[UInt8]] = []
        /// Per document of the run, in order: the buffer and the offset of its text; (-1, 0) for one that is not a
        /// reference. Empty when none is.
        private var places: [(text: Int32, start: Int32)] = []
        private var scratch: [UInt8] = []

        var isEmpty: Bool { places.isEmpty }

        /// Reads the texts of the documents of `documents` that are references.
        mutating func read(from spool: ByteSpool, documents: some Collection<UnsafeRawBufferPointer>) throws {
            guard documents.contains(where: { $0.first == ByteSpool.sourcedMarker }) else { return }
            let references = documents.map(SourcedDocument.init)
            places = Array(repeating: (-1, 0), count: references.count)
            var first = 0
            while first < references.count {
                guard let head = references[first] else {
                    first += 1
                    continue
                }
                var (low, high) = (head.offset, head.offset + head.length)
                var end = first + 1
                while end < references.count, let next = references[end], next.source == head.source {
                    let (newLow, newHigh) = (min(low, next.offset), max(high, next.offset + next.length))
                    guard newHigh - newLow <= ByteSpool.readRunLimit else { break }
                    (low, high) = (newLow, newHigh)
                    end += 1
                }
                texts.append(try spool.readSource(head.source, offset: low, length: high - low))
                for place in first..<end { places[place] = (Int32(texts.count - 1), Int32(references[place]!.offset - low)) }
                first = end
            }
        }

        /// Hands `body` the document at `place` (of those `read` was given) as readers expect it: a reference as the
        /// indexed document of its text, anything else as it is.
        mutating func withDocument<R>(
            _ document: UnsafeRawBufferPointer, _ place: Int, _ body: (UnsafeRawBufferPointer) throws -> R
        ) rethrows -> R {
            guard !places.isEmpty, places[place].text >= 0, let reference = SourcedDocument(document) else { return try body(document) }
            let (text, start) = (Int(places[place].text), Int(places[place].start))
            scratch.removeAll(keepingCapacity: true)
            scratch.append(ByteSpool.indexedMarker)
            scratch.append(contentsOf: reference.index)
            texts[text].withUnsafeBytes { scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[start..<start + reference.length])) }
            return try scratch.withUnsafeBytes(body)
        }
    }
}

extension ByteSpool.Staged {
    /// Stages a reference to a document whose text is `length` bytes at `offset` of file `source`, with the places
    /// of its top-level members (`members`: the text's read found them): it reads back as `appendJSON(_:members:)`
    /// of that text would.
    public mutating func appendJSON(
        sourcedFrom source: ByteSpool.SourceID, at offset: Int, length: Int, members: [JSONTopLevelMembers.Member]
    ) {
        let start = bytes.count
        ByteSpool.SourcedDocument.append(source: source, offset: offset, length: length, members: members, to: &bytes)
        spans.append(ByteSpool.Span(offset: start, length: bytes.count - start))
    }
}
