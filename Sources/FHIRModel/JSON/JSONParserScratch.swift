import Synchronization

/// The buffers a parse works in (member and item stacks, the string table), parked between parses so that reading
/// many small documents (NDJSON, Bundle entries) neither allocates them again nor starts with a cold string table.
///
/// A parse takes a set from its thread's slot, else from the pool (or makes one), and gives it back empty, to its
/// thread's slot when that is free; concurrent parses each get their own.
struct JSONParserScratch: @unchecked Sendable {
    var members: ScratchStack<FHIRObject.Member>
    var keyFingerprints: ScratchStack<UInt64>
    var items: ScratchStack<FHIRElement>
    var strings: JSONStringTable
    /// The sizes of the containers of the value being read, and the scan's open containers (see
    /// `JSONContainerSizes`).
    var containerSizes: ScratchStack<Int32>
    var stringSpans: ScratchStack<JSONContainerSizes.StringSpan>
    var openContainers: ScratchStack<JSONContainerSizes.Open>
    /// Keys of skipped objects, for their duplicate check (see `JSONByteParser.noteKey`).
    var skippedKeys: ScratchStack<JSONByteParser.SkippedKey>

    static func make() -> JSONParserScratch {
        JSONParserScratch(
            members: ScratchStack(capacity: 64), keyFingerprints: ScratchStack(capacity: 64),
            items: ScratchStack(capacity: 64), strings: JSONStringTable(), containerSizes: ScratchStack(capacity: 64),
            stringSpans: ScratchStack(capacity: 128), openContainers: ScratchStack(capacity: 16),
            skippedKeys: ScratchStack(capacity: 32))
    }

    func deallocate() {
        members.deallocate()
        keyFingerprints.deallocate()
        items.deallocate()
        strings.deallocate()
        containerSizes.deallocate()
        stringSpans.deallocate()
        openContainers.deallocate()
        skippedKeys.deallocate()
    }

    /// At most this many sets are kept (each about 100 KB with its strings); more are freed when given back.
    static let poolLimit = 8
    static let pool = Mutex<[JSONParserScratch]>([])

    /// Each thread's own parked set, so that a stream of small parses on several threads (a chunk of spooled
    /// resources per worker) does not take the pool's lock twice a document.
    final class ThreadSlot {
        /// Only its own thread touches a slot (unchecked: the dynamic exclusivity checks were part of every parse).
        @exclusivity(unchecked) var scratch: JSONParserScratch?
        deinit { scratch?.deallocate() }
    }

    /// Each thread's slot; a thread's slot (and its set) is freed when the thread ends.
    static let threadSlots = PerThread { ThreadSlot() }

    static func take() -> JSONParserScratch {
        let parked = threadSlots.withCurrent { slot -> JSONParserScratch? in
            defer { slot.scratch = nil }
            return slot.scratch
        }
        return parked ?? pool.withLock { $0.popLast() } ?? make()
    }

    /// Empties every stack (a failed parse leaves partial containers behind) and keeps the set for the next parse.
    static func giveBack(_ scratch: consuming JSONParserScratch) {
        scratch.members.removeAll()
        scratch.keyFingerprints.removeAll()
        scratch.items.removeAll()
        scratch.containerSizes.removeAll()
        scratch.stringSpans.removeAll()
        scratch.openContainers.removeAll()
        scratch.skippedKeys.removeAll()
        let parked = threadSlots.withCurrent { slot -> Bool in
            guard slot.scratch == nil else { return false }
            slot.scratch = copy scratch
            return true
        }
        if parked { return }
        let kept = pool.withLock { parked -> Bool in
            guard parked.count < poolLimit else { return false }
            parked.append(scratch)
            return true
        }
        if !kept { scratch.deallocate() }
    }
}
