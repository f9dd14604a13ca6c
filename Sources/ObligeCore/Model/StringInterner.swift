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
        let h = FNV1a.hash(bytes)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] >= 0 {
            let k = Int(slots[i])
            if hashes[k] == h, strings[k].hasUTF8(bytes) { return strings[k] }
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

extension String {
    /// Whether this text's UTF-8 is exactly `bytes`: byte for byte, not the canonical equivalence
    /// `==` compares by (the Kelvin sign and `K` differ here).
    func hasUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        utf8.withContiguousStorageIfAvailable { own in
            guard own.count == bytes.count else { return false }
            guard let a = own.baseAddress, let b = bytes.baseAddress else { return true }  // both empty
            return memcmp(a, b, own.count) == 0
        } ?? utf8.elementsEqual(bytes)
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether every byte is ASCII: where comparing texts by their bytes agrees with `String`
    /// equality (canonical equivalence), so that keys may be matched byte for byte.
    var isASCII: Bool {
        guard let base = baseAddress else { return true }
        // Eight bytes at a time: any high bit set in the word.
        var i = 0
        while i + 8 <= count {
            if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < count {
            if base[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }
}
