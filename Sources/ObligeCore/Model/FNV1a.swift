/// FNV-1a, 64 bits: the same number for the same bytes in every process and on every machine,
/// which Swift's `Hasher` (seeded per process) is not. Partitions of a spilled audit, the content
/// hash stores keep, the named random streams and the string interners hash with it.
struct FNV1a {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    private(set) var value = offsetBasis

    @inline(__always)
    mutating func byte(_ b: UInt8) { value = (value ^ UInt64(b)) &* Self.prime }

    mutating func bytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        var h = value
        for b in bytes { h = (h ^ UInt64(b)) &* Self.prime }
        value = h
    }

    /// A text's UTF-8: read in place when the string has it contiguous (every native one), else
    /// byte by byte.
    mutating func utf8(_ s: String) {
        let read: Void? = s.utf8.withContiguousStorageIfAvailable { bytes(UnsafeBufferPointer(rebasing: $0[...])) }
        if read == nil {
            for b in s.utf8 { byte(b) }
        }
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = FNV1a()
        h.bytes(bytes)
        return h.value
    }

    static func hash(_ s: String) -> UInt64 {
        var h = FNV1a()
        h.utf8(s)
        return h.value
    }
}
