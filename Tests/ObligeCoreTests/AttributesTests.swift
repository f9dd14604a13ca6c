import ObligeCore
import Testing

/// `Attributes` replaced a dictionary inside every event: it must behave as that dictionary did,
/// and iterate in name order.
@Suite("Event attributes")
struct AttributesTests {
    @Test("Any insertion order gives the same attributes, iterated in name order")
    func order() {
        var a = Attributes()
        a["source"] = .string("user")
        a["category"] = .string("scams_and_fraud")
        a["member_state"] = .string("IE")
        a["contact"] = .string("true")
        let b: Attributes = ["member_state": .string("IE"), "contact": .string("true"), "source": .string("user"), "category": .string("scams_and_fraud")]
        let c = Attributes(["category": .string("scams_and_fraud"), "source": .string("user"), "contact": .string("true"), "member_state": .string("IE")])
        #expect(a == b && b == c)
        #expect(a.hashValue == b.hashValue)
        #expect(a.keys == ["category", "contact", "member_state", "source"])
        #expect(a.map(\.key) == a.keys)
        #expect(a.count == 4)
    }

    @Test("Look-up, replacement, removal and updateValue work as a dictionary's")
    func dictionary() {
        var a: Attributes = ["b": .string("1"), "d": .list(["x", "y"])]
        #expect(a["b"] == .string("1"))
        #expect(a["a"] == nil && a["c"] == nil && a["e"] == nil)
        #expect(a.updateValue(.string("2"), forKey: "b") == .string("1"))
        #expect(a["b"] == .string("2"))
        #expect(a.updateValue(.string("0"), forKey: "a") == nil)
        #expect(a.keys == ["a", "b", "d"])
        a["b"] = nil
        a["zz"] = nil
        #expect(a.keys == ["a", "d"])
        a["d"] = .string("z")
        #expect(a["d"] == .string("z") && a.count == 2)
        let literal: Attributes = ["k": .string("first"), "k2": .string("x"), "k": .string("second")]
        #expect(literal["k"] == .string("second") && literal.count == 2)
        #expect(a.merging(["d": .string("new"), "e": .string("e")]).map(\.value) == [.string("0"), .string("new"), .string("e")])
        #expect(Attributes().isEmpty && !a.isEmpty)
    }

    @Test("contains(where:) reads a single value and every value of a list")
    func contains() {
        #expect(AttributeValue.string("IE").contains { $0 == "IE" })
        #expect(!AttributeValue.string("IE").contains { $0 == "DE" })
        #expect(AttributeValue.list(["DE", "IE"]).contains { $0 == "IE" })
        #expect(!AttributeValue.list([]).contains { _ in true })
    }
}
