"""dstool encrypt / decrypt (age format and GM envelope) and hash on one large random file, against
`age`, `openssl enc -aes-256-ctr` / `-sm4-ctr` (no authentication: a lower bound for the cipher
alone), `sha256sum` and `openssl dgst -sm3`. Targets: the age format at least as fast as age; the
GM envelope (SM4-CTR + HMAC-SM3) at 1 GB/s per core or more, ten times OpenSSL 3.0's SM4-CTR.
The "GM via OpenSSL" rows force dstool's portable fallback (DSTOOL_SM_IMPL=scalar) to show what
the SIMD kernels bring. The slow OpenSSL SM4 rows run once (a minute each), the rest --runs times."""
import os, subprocess

from bench import Case

DESCRIPTION = "encryption (age format, GM envelope) and digests"
REQUIRES = {"apt": ["age", "openssl"], "bin": {"age": "age", "openssl": "openssl"}}
DEFAULT_SIZE = 1 << 30

KEY = {"aes-256-ctr": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
       "sm4-ctr": "000102030405060708090a0b0c0d0e0f"}
IV = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"


def _run(argv, **kw):
    subprocess.run(argv, check=True, **kw)


def setup(ctx):
    for name in ("age.key", "age.pub", "sm2.key", "sm2.key.pub", "input.age", "input.gm"):
        if os.path.exists(ctx.path(name)):
            os.remove(ctx.path(name))  # a re-run after an interrupted setup starts clean
    data = ctx.path("input.bin")
    with open(data, "wb") as f:
        left = ctx.size
        while left > 0:
            n = min(left, 64 << 20)
            f.write(os.urandom(n))
            left -= n
    _run(["age-keygen", "-o", ctx.path("age.key")], stderr=subprocess.DEVNULL)
    _run([ctx.dstool, "keygen", "-t", "sm2", "-o", ctx.path("sm2.key"), "-q"])
    with open(ctx.path("age.pub"), "wb") as out:
        _run(["age-keygen", "-y", ctx.path("age.key")], stdout=out)
    _run(["age", "-R", ctx.path("age.pub"), "-o", ctx.path("input.age"), data])
    _run([ctx.dstool, "encrypt", "-q", "-R", ctx.path("sm2.key.pub"), "-o", ctx.path("input.gm"), data])
    for cipher in ("aes-256-ctr", "sm4-ctr"):
        _run(["openssl", "enc", "-" + cipher, "-K", KEY[cipher], "-iv", IV, "-in", data, "-out", ctx.path(f"input.{cipher}")])


def cases(ctx):
    d, n = ctx.dstool, ctx.size
    data = ctx.path("input.bin")
    recipient = open(ctx.path("age.pub")).read().strip()
    enc = lambda c, *extra: ["openssl", "enc", "-" + c, "-K", KEY[c], "-iv", IV, *extra]
    fallback = {"DSTOOL_SM_IMPL": "scalar"}
    return [
        Case("dstool encrypt (age)", [d, "encrypt", "-q", "-r", recipient, data], group="encrypt, age format", bytes=n),
        Case("age -r", ["age", "-r", recipient, data], peer=True, group="encrypt, age format", bytes=n),
        Case("openssl enc -aes-256-ctr (no MAC)", enc("aes-256-ctr", "-in", data), peer=True, group="encrypt, age format", bytes=n),

        Case("dstool decrypt (age)", [d, "decrypt", "-q", "-i", ctx.path("age.key"), ctx.path("input.age")], group="decrypt, age format", bytes=n),
        Case("age -d", ["age", "-d", "-i", ctx.path("age.key"), ctx.path("input.age")], peer=True, group="decrypt, age format", bytes=n),
        Case("openssl enc -d -aes-256-ctr (no MAC)", enc("aes-256-ctr", "-d", "-in", ctx.path("input.aes-256-ctr")), peer=True,
             group="decrypt, age format", bytes=n),

        Case("dstool encrypt --scheme gm", [d, "encrypt", "-q", "--scheme", "gm", "-R", ctx.path("sm2.key.pub"), data], group="encrypt, GM envelope", bytes=n),
        Case("dstool encrypt --scheme gm (OpenSSL fallback)", [d, "encrypt", "-q", "--scheme", "gm", "-R", ctx.path("sm2.key.pub"), data],
             peer=True, group="encrypt, GM envelope", bytes=n, env=fallback, runs=1),
        Case("openssl enc -sm4-ctr (no MAC)", enc("sm4-ctr", "-in", data), peer=True, group="encrypt, GM envelope", bytes=n, runs=1),

        Case("dstool decrypt (GM)", [d, "decrypt", "-q", "-i", ctx.path("sm2.key"), ctx.path("input.gm")], group="decrypt, GM envelope", bytes=n),
        Case("dstool decrypt (GM, OpenSSL fallback)", [d, "decrypt", "-q", "-i", ctx.path("sm2.key"), ctx.path("input.gm")],
             peer=True, group="decrypt, GM envelope", bytes=n, env=fallback, runs=1),
        Case("openssl enc -d -sm4-ctr (no MAC)", enc("sm4-ctr", "-d", "-in", ctx.path("input.sm4-ctr")), peer=True,
             group="decrypt, GM envelope", bytes=n, runs=1),

        Case("dstool hash (SM3 + SHA-256)", [d, "hash", "-q", data], group="hash", bytes=n),
        Case("sha256sum", ["sha256sum", data], peer=True, group="hash", bytes=n),
        Case("openssl dgst -sm3", ["openssl", "dgst", "-sm3", data], peer=True, group="hash", bytes=n),
    ]
