/// UCUM's prefixes and unit atoms, from the generated essence table (`Generated/UCUMEssence.generated.swift`,
/// written by `Generator/generate-ucum-table.py` from the official ucum-essence.xml; its header describes the
/// format). Parsed once, at first use.
enum UCUMAtomTable {
    struct Atom: Sendable {
        var code: String
        var name: String
        /// How many canonical units one of this atom is; nil for a special unit (an offset or a scale).
        var factor: Double?
        var dimension: UCUMDimension
        /// Takes prefixes (`mg`, `kL`, `m[IU]`).
        var isMetric: Bool
        var isSpecial: Bool { factor == nil }
    }

    struct Table: Sendable {
        var prefixes: [String: Double] = [:]
        var atoms: [String: Atom] = [:]
    }

    static let shared: Table = parse(essence)

    static func parse(_ text: String) -> Table {
        var table = Table()
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            switch fields.first {
            case "P" where fields.count == 3:
                table.prefixes[fields[1]] = Double(fields[2])
            case "U" where fields.count == 7:
                let exponents = fields[3].split(separator: ",").compactMap { Int($0) }
                var arbitrary: [String: Int] = [:]
                if fields[5] != "-" { arbitrary[fields[5]] = 1 }
                table.atoms[fields[1]] = Atom(
                    code: fields[1], name: fields[6], factor: Double(fields[2]),
                    dimension: UCUMDimension(exponents: exponents, arbitrary: arbitrary),
                    isMetric: fields[4].contains("M"))
            default:
                preconditionFailure("malformed line in the generated UCUM table: \(line)")
            }
        }
        return table
    }
}
