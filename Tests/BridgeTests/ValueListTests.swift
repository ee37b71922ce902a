@testable import Bridge
import Testing

/// `ValueList`, values with one held inline: it behaves as the array of its elements in every shape
/// (none, one, many), through appends, changes in place, maps and filters.
@Suite struct ValueListTests {
    @Test func itIsTheArrayOfItsElements() {
        var list = ValueList<String>()
        var array: [String] = []
        #expect(list.isEmpty && Array(list) == array)
        for value in ["a", "b", "c"] {
            list.append(value)
            array.append(value)
            #expect(Array(list) == array && list.count == array.count)
        }
        var one: ValueList<String> = ["x"]
        one[0] = "y"
        #expect(Array(one) == ["y"])
        list[1] = "B"
        #expect(Array(list) == ["a", "B", "c"])
        #expect(Array(list.mapped { $0.uppercased() }) == ["A", "B", "C"])
        #expect(Array(list.kept { $0 != "B" }) == ["a", "c"])
        #expect(Array(one.kept { _ in false }).isEmpty)
        #expect(list == ["a", "B", "c"] && list != ["a", "B"] && one == ["y"] && ValueList<String>() == [])
        #expect(ValueList(["p", "q"]) == ["p", "q"])
    }
}
