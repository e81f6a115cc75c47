"""`dstool crypto-audit` over a generated multi-language source tree (Java, Python, Go, C, JavaScript,
C#, with .properties/.yaml/.env values) vs semgrep with equivalent crypto rules written for this
benchmark (Benchmarks/cryptoaudit-semgrep.yml). Targets: >= 50x semgrep's wall time, >= 100 MB/s of
source per core.

semgrep comes from PyPI into its own virtualenv under Benchmarks/work (it pins its own jsonschema,
which must not replace the system one the tests use)."""
import os, random, subprocess, sys

from bench import Case

DESCRIPTION = "crypto-usage audit of a multi-language source tree vs semgrep"
REQUIRES = {}
DEFAULT_SIZE = 64 << 20
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULES = os.path.join(ROOT, "Benchmarks", "cryptoaudit-semgrep.yml")

WORDS = ["order", "customer", "invoice", "amount", "status", "region", "account", "report", "batch", "record",
         "update", "query", "result", "cache", "index", "buffer", "handler", "service", "config", "event"]

# Crypto lines per language: (misuse, safe look-alike) pairs; {n} is a per-file counter.
CRYPTO = {
    "java": [
        'Cipher c{n} = Cipher.getInstance("DES/CBC/PKCS5Padding");',
        'Cipher g{n} = Cipher.getInstance("AES/GCM/NoPadding");',
        'Cipher e{n} = Cipher.getInstance("AES");',
        'MessageDigest md{n} = MessageDigest.getInstance("MD5");',
        'MessageDigest sh{n} = MessageDigest.getInstance("SHA-256");',
        'SecretKeySpec k{n} = new SecretKeySpec("0123456789abcdef".getBytes(), "AES");',
        'IvParameterSpec iv{n} = new IvParameterSpec(new byte[16]);',
        '// Cipher.getInstance("RC4") was removed in 2019',
        'String token{n} = Long.toHexString(new Random().nextLong());',
        'log.info("hashing with SHA-256 for record " + id);',
    ],
    "py": [
        'digest{n} = hashlib.md5(password.encode()).hexdigest()',
        'etag{n} = hashlib.sha256(body).hexdigest()',
        'cipher{n} = AES.new(key, AES.MODE_ECB)',
        'ok{n} = AES.new(key, AES.MODE_GCM)',
        'resp{n} = requests.get(url, verify=False)',
        'token{n} = "".join(random.choice(alphabet) for _ in range(16))',
        'roll{n} = random.randint(1, 6)',
        '# hashlib.md5(x) is not used any more',
    ],
    "go": [
        'sum{n} := md5.Sum(data)',
        'blk{n}, _ := des.NewCipher(key)',
        'h{n} := sha256.Sum256(data)',
        'cfg{n} := &tls.Config{{InsecureSkipVerify: true}}',
        'ok{n} := &tls.Config{{MinVersion: tls.VersionTLS12}}',
        '// md5.Sum(old) kept for reference',
    ],
    "c": [
        'EVP_EncryptInit_ex(ctx{n}, EVP_des_ede3_cbc(), NULL, key, iv);',
        'EVP_DigestInit_ex(md{n}, EVP_md5(), NULL);',
        'EVP_DigestInit_ex(md{n}, EVP_sha256(), NULL);',
        'SSL_CTX_set_verify(sctx{n}, SSL_VERIFY_NONE, NULL);',
        '/* EVP_rc4() is history */',
    ],
    "js": [
        "const h{n} = crypto.createHash('md5').update(password).digest('hex');",
        "const s{n} = crypto.createHash('sha256').update(body).digest('hex');",
        "const c{n} = crypto.createCipheriv('des-ede3-cbc', key, iv);",
        "const a{n} = new https.Agent({{ rejectUnauthorized: false }});",
        "const t{n} = Math.random().toString(36);",
    ],
    "cs": [
        "var md{n} = MD5.Create();",
        "var sh{n} = SHA256.Create();",
        "var rsa{n} = new RSACryptoServiceProvider(1024);",
        "var des{n} = TripleDES.Create();",
    ],
}


def body_java(rng, n, crypto):
    out = [f"package com.example.module{n % 50};", "", "import java.util.*;", "import javax.crypto.*;", "",
           f"public class Service{n} {{", f"    private static final String NAME = \"service-{n}\";"]
    m = 0
    while sum(len(x) for x in out) < rng.randint(6000, 14000):
        w = rng.choice(WORDS)
        out += [f"    /** Handles the {w} of an {rng.choice(WORDS)}. */",
                f"    public List<String> {w}{m}(Map<String, Object> input, int limit) throws Exception {{",
                f"        List<String> result = new ArrayList<>();",
                f"        for (int i = 0; i < limit; i++) {{",
                f"            String key = \"{w}-\" + i;",
                f"            if (input.containsKey(key) && input.get(key) != null) {{ result.add(String.valueOf(input.get(key))); }}",
                f"        }}"]
        if rng.random() < 0.3:
            out.append("        " + rng.choice(crypto).format(n=m))
        out += ["        return result;", "    }", ""]
        m += 1
    out.append("}")
    return "\n".join(out) + "\n"


def body_py(rng, n, crypto):
    out = ["import hashlib, random, requests", "from Crypto.Cipher import AES", "", f"NAME = 'module-{n}'", ""]
    m = 0
    while sum(len(x) for x in out) < rng.randint(5000, 12000):
        w = rng.choice(WORDS)
        out += [f"def {w}_{m}(items, limit=10, password='', body=b'', key=b'', url=''):",
                f"    \"\"\"Collects the {w} of each {rng.choice(WORDS)}.\"\"\"",
                f"    result = []",
                f"    for i, item in enumerate(items[:limit]):",
                f"        if item.get('{w}') is not None:",
                f"            result.append(str(item['{w}']) + ':' + str(i))"]
        if rng.random() < 0.3:
            out.append("    " + rng.choice(crypto).format(n=m))
        out += ["    return result", ""]
        m += 1
    return "\n".join(out) + "\n"


def body_go(rng, n, crypto):
    out = [f"package module{n % 40}", "", "import (", '\t"crypto/des"', '\t"crypto/md5"', '\t"crypto/sha256"', '\t"crypto/tls"', '\t"strings"', ")", ""]
    m = 0
    while sum(len(x) for x in out) < rng.randint(5000, 12000):
        w = rng.choice(WORDS)
        out += [f"// {w.capitalize()}{m} joins the {w} fields.",
                f"func {w.capitalize()}{m}(items []string, key []byte, data []byte) (string, error) {{",
                "\tvar b strings.Builder",
                "\tfor i, it := range items {",
                "\t\tif i > 0 {\n\t\t\tb.WriteString(\",\")\n\t\t}",
                "\t\tb.WriteString(it)",
                "\t}"]
        if rng.random() < 0.3:
            out.append("\t" + rng.choice(crypto).format(n=m))
        out += ["\treturn b.String(), nil", "}", ""]
        m += 1
    return "\n".join(out) + "\n"


def body_c(rng, n, crypto):
    out = ["#include <stdio.h>", "#include <string.h>", "#include <openssl/evp.h>", "#include <openssl/ssl.h>", ""]
    m = 0
    while sum(len(x) for x in out) < rng.randint(5000, 12000):
        w = rng.choice(WORDS)
        out += [f"/* {w}_{m}: copies the {w} buffer */",
                f"static int {w}_{m}(char *dst, const char *src, size_t n, EVP_CIPHER_CTX *ctx{m}, EVP_MD_CTX *md{m}, SSL_CTX *sctx{m}) {{",
                "    size_t i;",
                "    for (i = 0; i < n && src[i] != '\\0'; i++) {",
                "        dst[i] = src[i] == ';' ? ',' : src[i];",
                "    }"]
        if rng.random() < 0.3:
            out.append("    " + rng.choice(crypto).format(n=m))
        out += ["    return (int)i;", "}", ""]
        m += 1
    return "\n".join(out) + "\n"


def body_js(rng, n, crypto):
    out = ["'use strict';", "const crypto = require('crypto');", "const https = require('https');", ""]
    m = 0
    while sum(len(x) for x in out) < rng.randint(5000, 12000):
        w = rng.choice(WORDS)
        out += [f"// {w}{m}: groups the {w} rows",
                f"function {w}{m}(rows, limit, password, body, key, iv) {{",
                "  const out = [];",
                "  for (let i = 0; i < rows.length && i < limit; i++) {",
                f"    if (rows[i] && rows[i].{w} !== undefined) out.push(`${{rows[i].{w}}}:${{i}}`);",
                "  }"]
        if rng.random() < 0.3:
            out.append("  " + rng.choice(crypto).format(n=m))
        out += ["  return out;", "}", ""]
        m += 1
    return "\n".join(out) + "\n"


def body_cs(rng, n, crypto):
    out = ["using System;", "using System.Collections.Generic;", "using System.Security.Cryptography;", "",
           f"namespace Example.Module{n % 30}", "{", f"    public class Service{n}", "    {"]
    m = 0
    while sum(len(x) for x in out) < rng.randint(6000, 14000):
        w = rng.choice(WORDS)
        out += [f"        /// <summary>Handles the {w}.</summary>",
                f"        public List<string> {w.capitalize()}{m}(IDictionary<string, object> input, int limit)",
                "        {",
                "            var result = new List<string>();",
                "            for (var i = 0; i < limit; i++)",
                "            {",
                f"                if (input.TryGetValue(\"{w}\" + i, out var v) && v != null) result.Add(v.ToString());",
                "            }"]
        if rng.random() < 0.3:
            out.append("            " + rng.choice(crypto).format(n=m))
        out += ["            return result;", "        }", ""]
        m += 1
    out += ["    }", "}"]
    return "\n".join(out) + "\n"


BODIES = {"java": body_java, "py": body_py, "go": body_go, "c": body_c, "js": body_js, "cs": body_cs}


def setup(ctx):
    rng = random.Random(6)
    tree = ctx.path("tree")
    os.makedirs(tree, exist_ok=True)
    written, n = 0, 0
    langs = list(BODIES)
    while written < ctx.size:
        lang = langs[n % len(langs)]
        d = os.path.join(tree, f"pkg{n % 64}", lang)
        os.makedirs(d, exist_ok=True)
        text = BODIES[lang](rng, n, CRYPTO[lang])
        open(os.path.join(d, f"file{n}.{lang}"), "w").write(text)
        written += len(text.encode())
        if n % 97 == 0:
            open(os.path.join(d, "application.properties"), "w").write(
                "crypto.cipher=DESede/ECB/PKCS5Padding\nserver.ssl.enabled-protocols=TLSv1.2\n")
        n += 1
    open(ctx.path("bytes"), "w").write(str(written))
    open(ctx.path("files"), "w").write(str(n))
    # semgrep in its own virtualenv (see the module docstring).
    venv = ctx.path("semgrep-venv")
    if not os.path.exists(os.path.join(venv, "bin", "semgrep")):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "semgrep"], check=False)


def cases(ctx):
    total = int(open(ctx.path("bytes")).read())
    d = ctx.dstool
    semgrep = ctx.path("semgrep-venv", "bin", "semgrep")
    return [
        Case("dstool crypto-audit (2 jobs)", [d, "crypto-audit", "--format", "jsonl", "-q", "--no-inventory", "tree"],
             group="audit", bytes=total, cwd=ctx.work, stdout=os.devnull),
        Case("dstool crypto-audit (1 job)", [d, "crypto-audit", "--format", "jsonl", "-q", "--no-inventory", "--jobs", "1", "tree"],
             group="audit", bytes=total, cwd=ctx.work, stdout=os.devnull),
        # Benchmarks/work is ignored by git, and semgrep skips git-ignored files unless told not to
        # (without --no-git-ignore it scans nothing and looks fast).
        Case("semgrep (same rules, 2 jobs)", [semgrep, "scan", "--config", RULES, "--json", "--metrics=off", "--disable-version-check",
                                             "--jobs", str(ctx.cpus), "--max-target-bytes", "0", "--timeout", "0", "--no-git-ignore", "-q", "tree"],
             peer=True, group="audit", bytes=total, cwd=ctx.work, stdout=os.devnull, runs=1,
             env={"SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}),
    ]
