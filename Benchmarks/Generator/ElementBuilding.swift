import FHIRModel

/// Builds an object member by member in the order written; `nil` values are left out, so optional FHIR elements
/// read naturally in the resource builders.
struct ObjectBuilder {
    var object = FHIRObject(minimumCapacity: 8)

    init() {}

    init(resourceType: String, id: String) {
        self["resourceType"] = .string(resourceType)
        self["id"] = .string(id)
    }

    subscript(key: String) -> FHIRElement? {
        get { object[key] }
        set { if let newValue { object.appendUnchecked(key: key, value: newValue) } }
    }

    var element: FHIRElement { .object(object) }
}

/// The small FHIR datatypes every resource is made of.
enum Build {
    static func string(_ text: String) -> FHIRElement { .string(text) }

    /// A decimal with exactly `scale` fraction digits, so trailing zeros (`72.50`, `0.000`) are kept as FHIR wants.
    static func decimal(units: Int, scale: Int) -> FHIRElement {
        .number(FHIRNumber(unchecked: decimalText(units: units, scale: scale)))
    }

    static func decimalText(units: Int, scale: Int) -> String {
        guard scale > 0 else { return String(units) }
        let magnitude = units.magnitude
        var divisor: UInt = 1
        for _ in 0..<scale { divisor *= 10 }
        var fraction = String(magnitude % divisor)
        while fraction.utf8.count < scale { fraction = "0" + fraction }
        return (units < 0 ? "-" : "") + String(magnitude / divisor) + "." + fraction
    }

    static func integer(_ value: Int) -> FHIRElement { .number(FHIRNumber(value)) }

    /// A literal number text such as `1.2e4`: FHIR's decimal grammar allows an exponent.
    static func number(_ text: String) -> FHIRElement { .number(FHIRNumber(unchecked: text)) }

    static func coding(_ system: String, _ code: String, _ display: String? = nil) -> FHIRElement {
        var o = ObjectBuilder()
        o["system"] = .string(system)
        o["code"] = .string(code)
        o["display"] = display.map(FHIRElement.string)
        return o.element
    }

    static func concept(_ codings: [FHIRElement], text: String? = nil) -> FHIRElement {
        var o = ObjectBuilder()
        if !codings.isEmpty { o["coding"] = .array(codings) }  // FHIR forbids empty arrays
        o["text"] = text.map(FHIRElement.string)
        return o.element
    }

    static func concept(_ system: String, _ code: String, _ display: String? = nil, text: String? = nil)
        -> FHIRElement
    {
        concept([coding(system, code, display)], text: text)
    }

    static func reference(_ reference: String, display: String? = nil) -> FHIRElement {
        var o = ObjectBuilder()
        o["reference"] = .string(reference)
        o["display"] = display.map(FHIRElement.string)
        return o.element
    }

    static func identifier(system: String, value: String, use: String? = nil, type: FHIRElement? = nil)
        -> FHIRElement
    {
        var o = ObjectBuilder()
        o["use"] = use.map(FHIRElement.string)
        o["type"] = type
        o["system"] = .string(system)
        o["value"] = .string(value)
        return o.element
    }

    static func quantity(_ value: FHIRElement, unit: String, code: String, comparator: String? = nil) -> FHIRElement {
        var o = ObjectBuilder()
        o["value"] = value
        o["comparator"] = comparator.map(FHIRElement.string)
        o["unit"] = .string(unit)
        o["system"] = .string("http://unitsofmeasure.org")
        o["code"] = .string(code)
        return o.element
    }

    static func extensionElement(_ url: String, _ valueKey: String, _ value: FHIRElement) -> FHIRElement {
        var o = ObjectBuilder()
        o["url"] = .string(url)
        o[valueKey] = value
        return o.element
    }

    /// The `_element` object of a primitive that carries only extensions.
    static func primitiveExtension(_ extensions: [FHIRElement]) -> FHIRElement {
        var o = ObjectBuilder()
        o["extension"] = .array(extensions)
        return o.element
    }

    static func period(start: String, end: String? = nil) -> FHIRElement {
        var o = ObjectBuilder()
        o["start"] = .string(start)
        o["end"] = end.map(FHIRElement.string)
        return o.element
    }

    /// Every generated resource says it is synthetic, so nobody mistakes it for ImmPort data.
    static func meta(_ rng: inout SplitMix64) -> FHIRElement {
        var o = ObjectBuilder()
        o["versionId"] = .string(String(rng.int(1...4)))
        o["lastUpdated"] = .string(Dates.instant(&rng, years: 2022...2025))
        o["source"] = .string("#immport-bridge-synthetic")
        o["tag"] = .array([
            coding(
                "urn:immport-bridge:synthetic", "synthetic",
                "Synthetic data from immport-bridge's SyntheticFHIR generator; not ImmPort data")
        ])
        return o.element
    }
}

/// Dates and times in FHIR's formats, zero-padded by hand (no Foundation formatter in the generator's hot loop).
enum Dates {
    static func pad(_ value: Int, _ width: Int) -> String {
        var text = String(value)
        while text.utf8.count < width { text = "0" + text }
        return text
    }

    static func date(_ rng: inout SplitMix64, years: ClosedRange<Int>) -> String {
        let year = rng.int(years)
        let month = rng.int(1...12)
        let day = rng.int(1...28)
        return "\(year)-\(pad(month, 2))-\(pad(day, 2))"
    }

    static let zones = ["Z", "-05:00", "-04:00", "+00:00", "+01:00", "+02:00", "-08:00", "+09:00", "+05:30"]

    static func dateTime(_ rng: inout SplitMix64, years: ClosedRange<Int>) -> String {
        let day = date(&rng, years: years)
        let time = "\(pad(rng.int(0...23), 2)):\(pad(rng.int(0...59), 2)):\(pad(rng.int(0...59), 2))"
        return "\(day)T\(time)\(rng.pick(zones))"
    }

    /// An `instant`: always with seconds and a zone, here with milliseconds.
    static func instant(_ rng: inout SplitMix64, years: ClosedRange<Int>) -> String {
        let day = date(&rng, years: years)
        let time = "\(pad(rng.int(0...23), 2)):\(pad(rng.int(0...59), 2)):\(pad(rng.int(0...59), 2))"
        return "\(day)T\(time).\(pad(rng.int(0...999), 3))\(rng.pick(zones))"
    }
}
