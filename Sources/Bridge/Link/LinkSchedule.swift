/// Which links run side by side: a link whose key reads another's (`CompiledLink.dependsOn`, its `reference`
/// alternatives) runs in a later wave than that link; the links of a wave read none of each other. The compiled
/// mapping has every link after the links it reads.
struct LinkSchedule {
    /// For each link, the indices of the links its key reads.
    let reads: [[Int]]
    /// Link indices, wave by wave; within a wave, larger first (a large link started last would run alone).
    let waves: [[Int]]

    init(_ links: [CompiledLink], size: (CompiledLink) -> Int = { _ in 0 }) {
        var indexOf: [String: Int] = [:]
        var reads: [[Int]] = []
        var waveOf: [Int] = []
        for (index, link) in links.enumerated() {
            let read = link.dependsOn.compactMap { indexOf[$0] }
            reads.append(read)
            waveOf.append(read.map { waveOf[$0] + 1 }.max() ?? 0)
            indexOf[link.name] = index
        }
        self.reads = reads
        let sizes = links.map(size)
        waves = (0..<(waveOf.max().map { $0 + 1 } ?? 0)).map { wave in
            waveOf.indices.filter { waveOf[$0] == wave }.sorted { (sizes[$0], -$0) > (sizes[$1], -$1) }
        }
    }
}
