extension Int64 {
    /// The number as `String(self)` spells it (a minus sign, then the digits), handed to `body`
    /// from a buffer on the stack: for numbers written or hashed by the million, without making
    /// a string for each.
    func withDecimalText<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var m = magnitude
        // Written from the end, least significant digits first, two at a time (an instant's
        // nanoseconds have nineteen: one division per pair, not per digit). A sign and nineteen
        // digits at most.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var k = digits.count
            while m >= 100 {
                let pair = UInt8(truncatingIfNeeded: m % 100)
                m /= 100
                k -= 2
                digits[k] = UInt8(ascii: "0") + pair / 10
                digits[k + 1] = UInt8(ascii: "0") + pair % 10
            }
            if m >= 10 {
                k -= 1
                digits[k] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: m % 10)
                m /= 10
            }
            k -= 1
            digits[k] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: m)
            if self < 0 {
                k -= 1
                digits[k] = UInt8(ascii: "-")
            }
            return body(UnsafeBufferPointer(rebasing: digits[k...]))
        }
    }
}
