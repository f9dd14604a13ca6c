import CPrefetch
import Foundation

/// Dense numbers for texts by their exact bytes: the first text seen is 0, the next new one 1, and
/// so on. For keys read from bytes by the million (a partition's case ids), where making a String
/// and hashing it with `Hasher` for each would cost more than the look-up itself. The id pass
/// matches event ids with it too.
///
/// Bytes, not `String` equality: two texts that are canonically equivalent but spelled
/// differently (the Kelvin sign and `K`) get different numbers. Callers that must treat them as
/// one key use it for ASCII texts only, where the two agree.
struct ByteKeys {
    /// Open addressing: a key's number + 1, 0 when empty; kept at most half full.
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    /// Key k's bytes are `bytes[starts[k]..<starts[k + 1]]`.
    private var starts: [Int] = [0]
    private var bytes: [UInt8] = []

    /// Room for about `capacity` keys before the table grows.
    init(capacity: Int = 512) {
        var size = 1024
        while size < 2 * capacity { size *= 2 }
        slots = Array(repeating: 0, count: size)
        hashes.reserveCapacity(capacity)
        starts.reserveCapacity(capacity + 1)
    }

    var count: Int { hashes.count }

    /// The number of `key`, numbering it next when it is new.
    mutating func number(of key: UnsafeBufferPointer<UInt8>) -> (number: Int, isNew: Bool) {
        number(of: key, hash: Self.hash(key))
    }

    /// What `number(of:hash:)` and `prefetch` take: the key's hash, spread.
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 { mix(FNV1a.hash(key)) }

    /// Starts bringing the slot of a key with hash `h` into the cache, so that its look-up a
    /// little later need not wait for memory. A table of a large partition does not fit in the
    /// cache, and its keys come in no order: asked for some keys ahead, the misses overlap.
    func prefetch(hash h: UInt64) {
        slots.withUnsafeBufferPointer { slots in
            guard let base = slots.baseAddress else { return }
            oblige_prefetch(base + (Int(truncatingIfNeeded: h) & (slots.count - 1)))
        }
    }

    /// `number(of:)` for a key whose `hash` is known.
    mutating func number(of key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> (number: Int, isNew: Bool) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 {
            let k = Int(slots[i]) - 1
            if hashes[k] == h, isKey(k, key) { return (k, false) }
            i = (i + 1) & mask
        }
        let k = hashes.count
        slots[i] = Int32(k + 1)
        hashes.append(h)
        bytes.append(contentsOf: key)
        starts.append(bytes.count)
        if hashes.count * 2 > slots.count { grow() }
        return (k, true)
    }

    private func isKey(_ k: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let (start, end) = (starts[k], starts[k + 1])
        guard end - start == key.count else { return false }
        return bytes.withUnsafeBufferPointer { own in
            guard let a = own.baseAddress, let b = key.baseAddress else { return true }  // both empty
            return memcmp(a + start, b, key.count) == 0
        }
    }

    /// FNV-1a's low bits alone would pick the slot; they are not spread well, and a partition's
    /// keys share them (its partition is the hash modulo the partition count).
    private static func mix(_ h: UInt64) -> UInt64 {
        var x = h ^ (h >> 33)
        x = x &* 0xff51_afd7_ed55_8ccd
        return x ^ (x >> 33)
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (k, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = Int32(k + 1)
        }
    }
}
