@testable import Bridge
import Testing

/// `FieldList`, a field's values with one held inline: it behaves as the array of its elements in every shape
/// (none, one, many), through appends, changes in place, maps and filters.
@Suite struct FieldListTests {
    @Test func itIsTheArrayOfItsElements() {
        var list = FieldList<String>()
        var array: [String] = []
        #expect(list.isEmpty && Array(list) == array)
        for value in ["a", "b", "c"] {
            list.append(value)
            array.append(value)
            #expect(Array(list) == array && list.count == array.count)
        }
        var one: FieldList<String> = ["x"]
        one[0] = "y"
        #expect(Array(one) == ["y"])
        list[1] = "B"
        #expect(Array(list) == ["a", "B", "c"])
        #expect(Array(list.mapped { $0.uppercased() }) == ["A", "B", "C"])
        #expect(Array(list.kept { $0 != "B" }) == ["a", "c"])
        #expect(Array(one.kept { _ in false }).isEmpty)
        #expect(list == ["a", "B", "c"] && list != ["a", "B"] && one == ["y"] && FieldList<String>() == [])
        #expect(FieldList(["p", "q"]) == ["p", "q"])
    }
}
