import ObligeCore
import Testing

@Suite struct SHA256Tests {
    @Test("FIPS 180-4 test vectors, and the same digest however the bytes are fed", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func vectors(input: String, digest: String) {
        #expect(SHA256.hex(input) == digest)
        var h = SHA256()
        for c in input.utf8 { h.update([c]) }
        #expect(h.hex() == digest)
    }

    @Test("a million a's, fed in uneven pieces")
    func million() {
        var h = SHA256()
        let chunk = [UInt8](repeating: 0x61, count: 999)
        var left = 1_000_000
        while left > 0 {
            let n = min(left, chunk.count)
            h.update(Array(chunk[0..<n]))
            left -= n
        }
        #expect(h.hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
