#!/usr/bin/env python3
"""An independent decoder of the GM envelope (dstool-gm/v1), written from the README's format
description only: Python's hashlib/hmac for SM3, a from-scratch SM4, and `openssl pkeyutl` for
SM2. GMEnvelopeTests runs it on files dstool writes, so the README stays precise enough to implement.

    Plugins/Encrypt/Reference/gm_reference.py FILE (--key SM2-PRIVATE.pem | --passphrase-env NAME) [--verbose] > plaintext
"""
import argparse, base64, hashlib, hmac, os, subprocess, sys, tempfile

def sm3(data):
    return hashlib.new("sm3", data).digest()

def hmac_sm3(key, data):
    return hmac.new(key, data, "sm3").digest()

def hkdf_sm3(ikm, salt, info, length):
    prk = hmac_sm3(salt if salt else b"\0" * 32, ikm)
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac_sm3(prk, t + info + bytes([i]))
        out += t
        i += 1
    return out[:length]

# --- SM4 (GB/T 32907), S-box from its algebraic definition -------------------------------------
def _gmul(a, b, poly=0x1F5):
    r = 0
    while b:
        if b & 1: r ^= a
        b >>= 1; a <<= 1
        if a & 0x100: a ^= poly
    return r

def _affine(x):  # circulant matrix of 0xA7
    y = 0
    for i in range(8):
        row = ((0xA7 << i) | (0xA7 >> (8 - i))) & 0xFF
        if bin(row & x).count("1") & 1: y |= 1 << i
    return y

_INV = [0] * 256
for _a in range(1, 256):
    for _b in range(1, 256):
        if _gmul(_a, _b) == 1: _INV[_a] = _b; break
SBOX = [_affine(_INV[_affine(x) ^ 0xD3]) ^ 0xD3 for x in range(256)]
assert SBOX[:4] == [0xD6, 0x90, 0xE9, 0xFE]

def _rol(x, n): return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF
def _tau(a): return int.from_bytes(bytes(SBOX[b] for b in a.to_bytes(4, "big")), "big")

def sm4_round_keys(key):
    fk = [0xA3B1BAC6, 0x56AA3350, 0x677D9197, 0xB27022DC]
    k = [int.from_bytes(key[4 * i:4 * i + 4], "big") ^ fk[i] for i in range(4)]
    rk = []
    for i in range(32):
        ck = int.from_bytes(bytes(((4 * i + j) * 7) & 0xFF for j in range(4)), "big")
        b = _tau(k[1] ^ k[2] ^ k[3] ^ ck)
        k = k[1:] + [k[0] ^ b ^ _rol(b, 13) ^ _rol(b, 23)]
        rk.append(k[3])
    return rk

def sm4_encrypt_block(rk, block):
    x = [int.from_bytes(block[4 * i:4 * i + 4], "big") for i in range(4)]
    for r in rk:
        b = _tau(x[1] ^ x[2] ^ x[3] ^ r)
        x = x[1:] + [x[0] ^ b ^ _rol(b, 2) ^ _rol(b, 10) ^ _rol(b, 18) ^ _rol(b, 24)]
    return b"".join(v.to_bytes(4, "big") for v in reversed(x))

def sm4_ctr(key, counter_block, data):
    rk = sm4_round_keys(key)
    ctr = int.from_bytes(counter_block, "big")
    out = bytearray()
    for i in range(0, len(data), 16):
        ks = sm4_encrypt_block(rk, ((ctr + i // 16) % (1 << 128)).to_bytes(16, "big"))
        out += bytes(a ^ b for a, b in zip(data[i:i + 16], ks))
    return bytes(out)

# --- SM2 decryption through the openssl command (raw C1C3C2 -> GM/T 0009 DER) ------------------
def _der_len(n): return bytes([n]) if n < 128 else bytes([0x81, n]) if n < 256 else bytes([0x82, n >> 8, n & 0xFF])
def _der_int(b):
    b = b.lstrip(b"\0") or b"\0"
    if b[0] & 0x80: b = b"\0" + b
    return b"\x02" + _der_len(len(b)) + b

def sm2_decrypt(pem_path, raw):
    x, y, c3, c2 = raw[1:33], raw[33:65], raw[65:97], raw[97:]
    body = _der_int(x) + _der_int(y) + b"\x04" + _der_len(32) + c3 + b"\x04" + _der_len(len(c2)) + c2
    with tempfile.NamedTemporaryFile() as f:
        f.write(b"\x30" + _der_len(len(body)) + body); f.flush()
        r = subprocess.run(["openssl", "pkeyutl", "-decrypt", "-inkey", pem_path, "-in", f.name], capture_output=True)
    return r.stdout if r.returncode == 0 else None

def b64(s):
    return base64.b64decode(s + "=" * (-len(s) % 4))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file"); ap.add_argument("--key"); ap.add_argument("--passphrase-env"); ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    data = open(a.file, "rb").read()
    log = (lambda *m: print(*m, file=sys.stderr)) if a.verbose else (lambda *m: None)
    lines, pos = [], 0
    while True:
        nl = data.index(b"\n", pos)
        lines.append(data[pos:nl].decode()); pos = nl + 1
        if lines[-1].startswith("--- "): break
    assert lines[0] == "dstool-gm/v1", "not a GM envelope"
    stanzas, i = [], 1
    while lines[i].startswith("-> "):
        args = lines[i][3:].split(" "); body = ""; i += 1
        while True:
            body += lines[i]; i += 1
            if len(lines[i - 1]) < 64: break
        stanzas.append((args, b64(body)))
    mac = b64(lines[i][4:])
    header = data[:pos - len(lines[i]) - 1] + b"---"
    file_key = None
    for args, body in stanzas:
        if args[0] == "SM2" and a.key:
            file_key = sm2_decrypt(a.key, body)
        elif args[0] == "PBKDF2-SM3" and a.passphrase_env:
            salt, iterations = b64(args[1]), int(args[2])
            dk = hashlib.pbkdf2_hmac("sm3", os.environ[a.passphrase_env].encode(), b"dstool-gm/v1 PBKDF2-SM3" + salt, iterations, 48)
            if hmac.compare_digest(hmac_sm3(dk[16:], body[:16]), body[16:]):
                file_key = sm4_ctr(dk[:16], bytes(16), body[:16])
        if file_key: break
    assert file_key and len(file_key) == 16, "no stanza opens"
    log("file key", file_key.hex())
    hdr_key = hkdf_sm3(file_key, b"", b"dstool-gm/v1 header", 32)
    log("header MAC key", hdr_key.hex())
    assert hmac.compare_digest(hmac_sm3(hdr_key, header), mac), "header MAC mismatch"
    nonce = data[pos:pos + 16]; pos += 16
    keys = hkdf_sm3(file_key, nonce, b"dstool-gm/v1 payload", 48)
    k_enc, k_mac = keys[:16], keys[16:]
    log("nonce", nonce.hex()); log("K_enc", k_enc.hex()); log("K_mac", k_mac.hex())
    payload, out, index = data[pos:], bytearray(), 0
    while True:
        chunk, payload = payload[:65536 + 32], payload[65536 + 32:]
        last = len(payload) == 0
        ct, tag = chunk[:-32], chunk[-32:]
        cb = index.to_bytes(8, "big") + bytes([1 if last else 0]) + bytes(7)
        log(f"chunk {index}: CB {cb.hex()} tag {tag.hex()}")
        assert hmac.compare_digest(hmac_sm3(k_mac, ct + cb), tag), f"chunk {index} fails authentication"
        assert last or len(ct) == 65536
        assert len(ct) > 0 or index == 0, "empty final chunk"
        out += sm4_ctr(k_enc, cb, ct)
        index += 1
        if last: break
    sys.stdout.buffer.write(bytes(out))

if __name__ == "__main__":
    main()
