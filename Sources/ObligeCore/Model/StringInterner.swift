import Foundation

/// One String per distinct text: event types, attribute names and values, and (within one
/// partition) case ids repeat across thousands of events, and a text longer than a small string
/// (15 UTF-8 bytes) would otherwise be a new allocation each time, freed again soon after.
/// Used where events are made from bytes: the JSON Lines scanner and the partitions' read-back.
struct StringInterner {
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var strings: [String] = []
    /// Past this many texts, new ones are no longer remembered (unique texts would otherwise
    /// fill it without end); those seen first, the repeated ones, stay.
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
        slots = Array(repeating: -1, count: 1024)
    }

    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count > 15 else { return String(decoding: bytes, as: UTF8.self) }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] >= 0 {
            let k = Int(slots[i])
            if hashes[k] == h, Self.equal(strings[k], bytes) { return strings[k] }
            i = (i + 1) & mask
        }
        let s = String(decoding: bytes, as: UTF8.self)
        guard strings.count < limit else { return s }
        slots[i] = Int32(strings.count)
        hashes.append(h)
        strings.append(s)
        if strings.count * 2 > slots.count { grow() }
        return s
    }

    private static func equal(_ s: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        s.utf8.withContiguousStorageIfAvailable { u in
            u.count == bytes.count && (u.count == 0 || memcmp(u.baseAddress!, bytes.baseAddress!, u.count) == 0)
        } ?? s.utf8.elementsEqual(bytes)
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (k, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(k)
        }
    }
}
