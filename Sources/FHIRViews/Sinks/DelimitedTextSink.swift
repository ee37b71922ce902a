import FHIRModel

/// Writes rows as CSV (RFC 4180: comma, CRLF, fields quoted when they hold a comma, quote, CR or LF, quotes
/// doubled) or TSV (tab, LF, backslash escapes `\t` `\n` `\r` `\\` as in the IANA/PostgreSQL text format), UTF-8,
/// with a header line. Null is an empty field in both.
public final class DelimitedTextSink: ViewRowSink {
    public enum Dialect: Sendable {
        case csv
        case tsv
    }

    let writer: AtomicFileWriter
    let dialect: Dialect
    var scratch: [UInt8] = []

    public init(writer: AtomicFileWriter, table: ViewTable, dialect: Dialect) throws {
        self.writer = writer
        self.dialect = dialect
        try writer.append { out in
            for (index, name) in table.columnNames.enumerated() {
                if index > 0 { out.append(self.separator) }
                self.appendField(Array(name.utf8), into: &out)
            }
            out.append(contentsOf: self.lineEnd)
        }
    }

    var separator: UInt8 { dialect == .csv ? UInt8(ascii: ",") : 0x09 }
    var lineEnd: [UInt8] { dialect == .csv ? [0x0D, 0x0A] : [0x0A] }

    public func write(_ row: [FHIRElement]) throws {
        try writer.append { out in
            for (index, value) in row.enumerated() {
                if index > 0 { out.append(self.separator) }
                switch value {
                case .null: continue
                case .number(let number): out.append(contentsOf: number.text.utf8)
                case .boolean(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
                default:
                    self.scratch.removeAll(keepingCapacity: true)
                    ViewValueText.append(value, into: &self.scratch)
                    self.appendField(self.scratch, into: &out)
                }
            }
            out.append(contentsOf: self.lineEnd)
        }
    }

    func appendField(_ bytes: [UInt8], into out: inout [UInt8]) {
        switch dialect {
        case .csv:
            let needsQuotes = bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            guard needsQuotes else {
                out.append(contentsOf: bytes)
                return
            }
            out.append(UInt8(ascii: "\""))
            for byte in bytes {
                if byte == UInt8(ascii: "\"") { out.append(byte) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
        case .tsv:
            TSVEscaping.append(bytes, into: &out)
        }
    }
}

/// Backslash escaping shared by TSV output and PostgreSQL's COPY text format.
enum TSVEscaping {
    static func append(_ bytes: [UInt8], into out: inout [UInt8]) {
        for byte in bytes {
            switch byte {
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            default: out.append(byte)
            }
        }
    }
}
