import FHIRModel

/// Where two trees first differ, as a JSON path with both values there: what a broken round-trip property reports.
/// `ignoringDivs` passes over differing strings under a `div` key (XHTML the reader normalises).
func firstDifference(_ a: FHIRElement, _ b: FHIRElement, at path: String = "", ignoringDivs: Bool = false) -> String? {
    switch (a, b) {
    case (.object(let x), .object(let y)):
        if x.keys != y.keys { return "\(path.isEmpty ? "." : path): keys \(x.keys) vs \(y.keys)" }
        for (m, n) in zip(x, y) {
            if ignoringDivs, m.key == "div", case .string = m.value, case .string = n.value { continue }
            if let found = firstDifference(m.value, n.value, at: "\(path).\(m.key)", ignoringDivs: ignoringDivs) { return found }
        }
        return nil
    case (.array(let x), .array(let y)):
        if x.count != y.count { return "\(path): \(x.count) items vs \(y.count)" }
        for (i, (m, n)) in zip(x, y).enumerated() {
            if let found = firstDifference(m, n, at: "\(path)[\(i)]", ignoringDivs: ignoringDivs) { return found }
        }
        return nil
    default:
        return a == b ? nil : "\(path): \(shown(a)) vs \(shown(b))"
    }
}
