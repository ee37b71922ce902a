import FHIRModel

/// Writes one JSON object per row, columns in view order, values typed as the view produced them: numbers,
/// booleans, strings, null, arrays for `collection` columns, objects for complex types.
public final class NDJSONRowSink: ViewRowSink {
    let writer: AtomicFileWriter
    let keys: [[UInt8]]
    let json = FHIRJSONWriter(pretty: false)

    public init(writer: AtomicFileWriter, table: ViewTable) {
        self.writer = writer
        keys = table.columnNames.map { name in
            var key: [UInt8] = []
            FHIRJSONWriter.appendString(name, into: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
    }

    public func write(_ row: [FHIRElement]) throws {
        try writer.append { out in
            out.append(UInt8(ascii: "{"))
            for (index, value) in row.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: self.keys[index])
                self.json.write(value, into: &out)
            }
            out.append(contentsOf: [UInt8(ascii: "}"), 0x0A])
        }
    }
}
