"""`dstool trace` on a generated nginx access log (combined format) with planted attacks, against
fail2ban-regex (one filter, nginx-botsearch) and goaccess (the COMBINED format, JSON report) on the
same file. --size is the number of lines (default 10,000,000).

The log: ~60,000 clients (a few heavy), browsers and bots, pages, static files, API calls with
query strings, searches with quotes, redirects and errors; planted: a Nikto scan, an sqlmap run,
a webshell upload and use, a login brute force, a path-traversal run and a database dump
download - about 0.1 % of the lines. Every run must find the planted attacks: the suite checks
dstool's JSON-lines output for each planted source before timing it."""
import json, os, random, subprocess

from bench import Case

DESCRIPTION = "attack tracing over a generated nginx access log (lines/s)"
REQUIRES = {"apt": ["fail2ban", "goaccess"], "bin": {"fail2ban": "fail2ban-regex"}}
DEFAULT_SIZE = 10_000_000

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
PLANTED = {
    "scan": "203.0.113.10",       # Nikto: many probes, 404s
    "sqli": "203.0.113.20",       # sqlmap against /product.php?id=
    "webshell": "203.0.113.30",   # upload, then GET /uploads/x.php?cmd=..., then a dump download
    "brute": "203.0.113.40",      # POST /wp-login.php
    "traversal": "203.0.113.50",  # ../../etc/passwd variants
}


def _stamp(t):
    # t: seconds since 2024-01-15 00:00:00 +0800
    day = 15 + t // 86400
    rem = t % 86400
    return f"{day:02d}/Jan/2024:{rem // 3600:02d}:{rem % 3600 // 60:02d}:{rem % 60:02d} +0800"


def _generate(path, lines):
    rng = random.Random(20240115)
    ips = [f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}" for _ in range(60000)]
    heavy = ips[:200]
    agents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "curl/8.4.0", "python-requests/2.31.0", "Go-http-client/1.1",
    ]
    pages = ["/", "/index.html", "/about", "/contact", "/products", "/cart", "/checkout", "/blog/2024/01/new-release",
             "/blog/how-to-select-a-database", "/docs/getting-started", "/docs/api/v2/orders", "/login", "/account/settings"]
    static = ["/static/js/app.3f9a1c.js", "/static/css/site.css", "/favicon.ico", "/images/logo.png", "/images/products/{}.jpg",
              "/fonts/inter.woff2", "/robots.txt"]
    searches = ['"best pizza" near me', "O'Reilly books", "union station chicago", "red alert (2000 film)", "select your plan",
                "how to use curl", "数据安全", "sleep apnea", "cats & dogs"]
    from urllib.parse import quote_plus
    attacks = []
    t0 = 3600 * 10
    scan = ["/.git/config", "/.env", "/phpmyadmin/", "/wp-config.php.bak", "/server-status", "/admin.php", "/backup.zip",
            "/cgi-bin/test.cgi", "/HNAP1", "/actuator/env", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php"]
    for k in range(3000):
        attacks.append((t0 + k // 10, PLANTED["scan"], f"GET {scan[k % len(scan)]}{'' if k < len(scan) else str(k)} HTTP/1.1", 404, 153,
                        "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:00{:04d})".format(k)))
    sqli = ["1%27%20AND%201%3D1--", "1%20UNION%20ALL%20SELECT%20NULL,NULL,CONCAT(0x7170,user())--", "1%27%20AND%20SLEEP(5)--%20",
            "1%29%20AND%20EXTRACTVALUE(1,CONCAT(0x5c,version()))--", "-1%27%20OR%201%3D1%23"]
    for k in range(2000):
        attacks.append((t0 + 1200 + k // 5, PLANTED["sqli"], f"GET /product.php?id={sqli[k % len(sqli)]} HTTP/1.1", 200 if k % 3 else 500,
                        4000 + k, "sqlmap/1.7.2#stable (https://sqlmap.org)"))
    w = PLANTED["webshell"]
    attacks.append((t0 + 2400, w, "POST /admin/upload.php HTTP/1.1", 200, 120, agents[0]))
    for k, cmd in enumerate(["id", "uname%20-a", "cat%20/etc/passwd", "ls%20-la%20/var/www", "whoami"]):
        attacks.append((t0 + 2410 + k * 5, w, f"GET /uploads/2024/01/avatar.php?cmd={cmd} HTTP/1.1", 200, 90 + k, agents[0]))
    attacks.append((t0 + 2500, w, "GET /backup/shop_db_2024-01-14.sql.gz HTTP/1.1", 200, 734003200, agents[0]))
    for k in range(600):
        attacks.append((t0 + 3000 + k // 2, PLANTED["brute"], "POST /wp-login.php HTTP/1.1", 200, 4100, agents[2]))
    trav = ["/download?file=../../../../etc/passwd", "/download?file=..%2f..%2f..%2fetc%2fshadow",
            "/download?file=%c0%ae%c0%ae/%c0%ae%c0%ae/etc/hosts", "/index.php?page=php://filter/convert.base64-encode/resource=config"]
    for k in range(400):
        attacks.append((t0 + 4000 + k, PLANTED["traversal"], f"GET {trav[k % len(trav)]} HTTP/1.1", 404 if k % 2 else 200, 300, agents[8]))
    attacks.sort()
    span = 86400 * 2
    ai = 0
    with open(path, "w", encoding="utf-8", buffering=1 << 22) as f:
        out = []
        normal = lines - len(attacks)
        for i in range(normal):
            t = i * span // max(normal, 1)
            while ai < len(attacks) and attacks[ai][0] <= t:
                at, ip, req, st, size, ua = attacks[ai]
                out.append(f'{ip} - - [{_stamp(at)}] "{req}" {st} {size} "-" "{ua}"\n')
                ai += 1
            ip = heavy[rng.randrange(200)] if rng.random() < 0.3 else ips[rng.randrange(60000)]
            r = rng.random()
            ref = "-"
            if r < 0.45:
                p = rng.choice(static).format(rng.randrange(5000))
                st, size = (200, rng.randrange(2000, 200000)) if rng.random() < 0.9 else (304, 0)
            elif r < 0.75:
                p = rng.choice(pages)
                st, size = 200, rng.randrange(5000, 60000)
                ref = "https://www.google.com/search?q=" + quote_plus(rng.choice(searches))
            elif r < 0.88:
                p = f"/api/v2/orders?status=shipped&page={rng.randrange(50)}&per_page=100&sort=-created_at"
                st, size = 200, rng.randrange(500, 20000)
            elif r < 0.95:
                p = "/search?q=" + quote_plus(rng.choice(searches)) + "&utm_source=newsletter&utm_medium=email&gclid=EAIaIQobChMIuLe5s9Xs_gIVFEaRBR3-5wHoEAAYASAAEgK5nvD_BwE"
                st, size = 200, rng.randrange(8000, 40000)
            else:
                p = f"/products/{rng.randrange(100000)}"
                st, size = 404, 153
            method = "GET" if rng.random() < 0.95 else "POST"
            out.append(f'{ip} - - [{_stamp(t)}] "{method} {p} HTTP/1.1" {st} {size} "{ref}" "{agents[rng.randrange(len(agents))]}"\n')
            if len(out) >= 100000:
                f.write("".join(out)); out = []
        while ai < len(attacks):
            at, ip, req, st, size, ua = attacks[ai]
            out.append(f'{ip} - - [{_stamp(at)}] "{req}" {st} {size} "-" "{ua}"\n')
            ai += 1
        f.write("".join(out))


def setup(ctx):
    _generate(ctx.path("access.log"), ctx.size)
    # The check that the run finds what was planted: every planted source among the findings.
    out = subprocess.run([ctx.dstool, "trace", "--format", "jsonl", "--fail-on", "none", ctx.path("access.log")],
                         capture_output=True, text=True, check=False)
    sources = set()
    for line in out.stdout.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        src = ((rec.get("properties") or {}).get("source")) if rec.get("type") == "finding" else None
        if src:
            sources.add(src)
    missing = [k for k, ip in PLANTED.items() if ip not in sources]
    if missing:
        raise SystemExit(f"trace suite: planted attacks not found: {missing} (exit {out.returncode}: {out.stderr[-300:]})")


def cases(ctx):
    log = ctx.path("access.log")
    lines = ctx.size
    d = ctx.dstool
    return [
        Case("dstool trace (built-in rules, 1 thread)", [d, "trace", "--format", "jsonl", "--jobs", "1", "--fail-on", "none", log],
             items=lines, stdout=os.devnull, runs=1),
        Case(f"dstool trace (built-in rules, {ctx.cpus} threads)", [d, "trace", "--format", "jsonl", "--jobs", str(ctx.cpus),
             "--fail-on", "none", log], items=lines, stdout=os.devnull, runs=1, group="threads"),
        Case("dstool trace + timeline + incident report (1 thread)", [d, "trace", "--format", "jsonl", "--jobs", "1", "--fail-on", "none",
             "--timeline", ctx.path("timeline.csv"), "--incident-report", ctx.path("report.html"), log],
             items=lines, stdout=os.devnull, runs=1, group="outputs"),
        Case("fail2ban-regex (nginx-botsearch)", ["fail2ban-regex", "--print-no-missed", "--print-no-ignored", log,
             "/etc/fail2ban/filter.d/nginx-botsearch.conf"], peer=True, items=lines, runs=1),
        Case("goaccess (COMBINED, JSON report)", ["goaccess", log, "--log-format=COMBINED", "--no-global-config", "--no-progress",
             "-o", ctx.path("goaccess.json")], peer=True, items=lines, runs=1),
    ]
