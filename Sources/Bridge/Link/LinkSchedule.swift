/// Which links run side by side. A link whose key reads another's (`reference` alternatives naming an earlier link)
/// runs in a later wave than that link; the others of a wave are independent. A reference to a link that is not
/// earlier in the mapping's order reads nothing (as when linked one after another), so it orders nothing.
struct LinkSchedule {
    /// For each link, the earlier links its keys read.
    let reads: [[Int]]
    /// Link indices, wave by wave; within a wave, larger first (a large link started last would run alone).
    let waves: [[Int]]

    init(_ links: [CompiledLink], size: (CompiledLink) -> Int = { _ in 0 }) {
        var indexOf: [String: Int] = [:]
        var reads: [[Int]] = []
        var waveOf: [Int] = []
        for (index, link) in links.enumerated() {
            var read: [Int] = []
            for part in link.declaration.key {
                for alternative in part.alternatives {
                    guard case .reference(_, let name) = alternative.value, let target = indexOf[name.value] else { continue }
                    if !read.contains(target) { read.append(target) }
                }
            }
            reads.append(read)
            waveOf.append(read.map { waveOf[$0] + 1 }.max() ?? 0)
            // A later link of the same name is the one `LinkedStudy[link:]` does not find: the first keeps it.
            if indexOf[link.declaration.name.value] == nil { indexOf[link.declaration.name.value] = index }
        }
        self.reads = reads
        let sizes = links.map(size)
        waves = (0..<(waveOf.max().map { $0 + 1 } ?? 0)).map { wave in
            waveOf.indices.filter { waveOf[$0] == wave }.sorted { (sizes[$0], -$0) > (sizes[$1], -$1) }
        }
    }
}
