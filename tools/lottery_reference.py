#!/usr/bin/env python3
"""Independent reference implementation of anju-lottery-v1 (docs/lottery.md).

Usage: python3 lottery_reference.py ENTRANTS.csv REVEAL [PUBLISHED_RESULT.txt]
Prints the result file exactly as the official software writes it, or, given
a published result file, says MATCH or where it differs. Standard library only.
"""
import hashlib, itertools, re, struct, sys

M32 = 0xFFFFFFFF  # ChaCha20 works on 32-bit words
def rotl(v, c): return ((v << c) & M32) | (v >> (32 - c))

def quarter_round(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & M32; s[d] = rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & M32; s[b] = rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & M32; s[d] = rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & M32; s[b] = rotl(s[b] ^ s[c], 7)

def chacha20_block(key, counter):
    """Original ChaCha20: words 12-13 = 64-bit block counter, 14-15 = zero nonce."""
    init = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574, *struct.unpack("<8I", key),
            counter & M32, counter >> 32, 0, 0]
    s = init[:]
    for _ in range(10):  # 20 rounds = 10 column + 10 diagonal rounds
        quarter_round(s, 0, 4, 8, 12); quarter_round(s, 1, 5, 9, 13)
        quarter_round(s, 2, 6, 10, 14); quarter_round(s, 3, 7, 11, 15)
        quarter_round(s, 0, 5, 10, 15); quarter_round(s, 1, 6, 11, 12)
        quarter_round(s, 2, 7, 8, 13); quarter_round(s, 3, 4, 9, 14)
    return struct.pack("<16I", *((x + y) & M32 for x, y in zip(s, init)))

# RFC 8439 appendix A.1 test vector #1 (zero key, zero nonce, block 0).
assert chacha20_block(bytes(32), 0).hex().startswith("76b8e0ada0f13d90405d6ae55386bd28")

def u64_stream(key):
    """Keystream bytes read 8 at a time as little-endian unsigned 64-bit ints."""
    for counter in itertools.count():  # block counter 0, 1, 2, ...
        yield from struct.unpack("<8Q", chacha20_block(key, counter))

def shuffle_indices(seed, n):
    stream, order = u64_stream(seed), list(range(n))
    for i in range(n - 1, 0, -1):
        bound = i + 1
        limit = 2**64 - (2**64 % bound)  # accept x < limit so x % bound is unbiased
        x = next(stream)
        while x >= limit:
            x = next(stream)
        j = x % bound
        order[i], order[j] = order[j], order[i]
    return order

def main(entrants_path, reveal, published_path=None):
    data = open(entrants_path, "rb").read()
    ids = [row.partition(",")[2] for row in data.decode("latin-1").split("\n")[1:-1]]
    canonical = "seq,entrant_id\n" + "".join(f"{k},{e}\n" for k, e in enumerate(ids, 1))
    id_ok = all(re.fullmatch(r'[!#-+\--~]{1,64}', e) for e in ids)  # 0x21-0x7E minus , "
    if not ids or ids != sorted(set(ids)) or not id_ok or data != canonical.encode("latin-1"):
        sys.exit("entrant file is not in canonical form (see docs/lottery.md section 2)")
    if not re.fullmatch(r"[ -~]{1,256}", reveal) or reveal[0] == " " or reveal[-1] == " ":
        sys.exit("reveal must be 1-256 printable ASCII characters, no outer spaces")
    commitment = hashlib.sha256(data).digest()
    seed = hashlib.sha256(b"anju-lottery-v1\x00" + commitment + reveal.encode()).digest()
    order = [ids[k] for k in shuffle_indices(seed, len(ids))]
    lines = ["algorithm: anju-lottery-v1", f"commitment: {commitment.hex()}",
             f"reveal: {reveal}", f"seed: {seed.hex()}", f"entrant_count: {len(ids)}",
             "", "position,entrant_id", *(f"{p},{e}" for p, e in enumerate(order, 1))]
    if published_path is None:
        return sys.stdout.buffer.write(("\n".join(lines) + "\n").encode())
    published = open(published_path, "rb").read().decode("latin-1").split("\n")
    for number, (want, got) in enumerate(zip(lines + [""], published), 1):
        if want != got:
            sys.exit(f"MISMATCH at line {number}: expected {want!r}, published {got!r}")
    if len(published) != len(lines) + 1:
        sys.exit(f"MISMATCH: published file is not {len(lines)} LF-terminated lines")
    print(f"MATCH: the published result is correct ({len(ids)} entrants)")

if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(*sys.argv[1:])
