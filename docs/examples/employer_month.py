#!/usr/bin/env python3
"""An employer's month over the Anju JSON API, end to end.

What a payroll system does each month: sign in as the unit's agent, upload
the new staff as a roster file, get the month's remittance bill, pay it, and
read each member's credit from the paid bill. Only the standard library is
used. Run against the demo (`anju serve --demo`):

    python3 docs/examples/employer_month.py --base http://127.0.0.1:8080

Exits 0 when every step did what it should, 1 with the failing step's
problem body otherwise. CI runs it against a fresh demo server.
"""

import argparse
import datetime
import http.cookiejar
import json
import random
import sys
import urllib.error
import urllib.parse
import urllib.request

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
TIMEOUT_S = 30
# The centre's business day is China's (UTC+8), whatever the client's clock says.
CHINA = datetime.timezone(datetime.timedelta(hours=8))


def parsed(raw):
    """A JSON answer, or its text when it is not JSON."""
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return {"text": raw.decode("utf-8", "replace")}
CHECK = "10X98765432"


def id_card(rng):
    """A 身份证号 with its check character (GB 11643), born 1980-1999."""
    born = datetime.date(1980, 1, 1) + datetime.timedelta(days=rng.randrange(7000))
    body = "320505" + born.strftime("%Y%m%d") + "%03d" % rng.randrange(1000)
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


class Client:
    def __init__(self, base):
        self.base = base.rstrip("/")
        jar = http.cookiejar.CookieJar()
        self.http = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.csrf = ""
        self.keys = 0

    def call(self, method, path, body=None, content_type="application/json"):
        """(status, JSON body or None). Every POST carries a fresh Idempotency-Key."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers["Content-Type"] = content_type
        if method == "POST":
            self.keys += 1
            headers["Idempotency-Key"] = "example-%d-%d" % (random.getrandbits(32), self.keys)
            headers["X-CSRF-Token"] = self.csrf
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        try:
            with self.http.open(request, timeout=TIMEOUT_S) as reply:
                return reply.status, parsed(reply.read())
        except urllib.error.HTTPError as e:
            return e.code, parsed(e.read())

    def sign_in(self, login, password):
        form = urllib.parse.urlencode(
            {"door": "employer", "login": login, "password": password, "totp": "", "next": ""}
        ).encode()
        request = urllib.request.Request(self.base + "/signin", form, method="POST")
        self.http.open(request, timeout=TIMEOUT_S).read()
        status, me = self.call("GET", "/api/v1/me")
        expect(status == 200 and (me or {}).get("role") == "employer_agent", "sign in", me)
        self.csrf = me["csrf_token"]
        return me


def expect(ok, step, body):
    if not ok:
        print("FAILED at %s: %s" % (step, json.dumps(body, ensure_ascii=False)[:600]))
        sys.exit(1)
    print("ok  %s" % step)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8080")
    parser.add_argument("--login", default="agent01")
    parser.add_argument("--password", default="anju2026demo")
    args = parser.parse_args()
    rng = random.Random()
    api = Client(args.base)

    api.sign_in(args.login, args.password)
    status, unit = api.call("GET", "/api/v1/employer")
    expect(status == 200, "the unit: %s" % unit.get("name"), unit)

    # 1. New staff as a roster file (CSV here; .xlsx is read the same way).
    people = [(id_card(rng), name, wage) for name, wage in
              [("示例甲", "8000.00"), ("示例乙", "9500.50"), ("示例丙", "12000")]]
    roster = "身份证号,姓名,月工资\n" + "".join("%s,%s,%s\n" % p for p in people)
    status, report = api.call("POST", "/api/v1/employer/members/import",
                              roster.encode(), "text/csv")
    enrolled = {m["member_id"]: m["name"] for m in report.get("enrolled", [])}
    expect(status == 201 and len(enrolled) == 3, "roster uploaded: 3 enrolled", report)

    # 2. This month's bill (or the one already made for it).
    period = datetime.datetime.now(CHINA).strftime("%Y%m")
    status, bill = api.call("POST", "/api/v1/employer/bills", {"period": period})
    fresh = status == 201
    if status == 409 and bill.get("code") == "BILL_EXISTS":
        _, bills = api.call("GET", "/api/v1/employer/bills")
        made = [b for b in (bills or {}).get("bills", []) if b["period"] == period and b["kind"] == "01"]
        expect(bool(made), "this month's bill found", bills)
        bill, status = made[0], 201
    expect(status == 201, "bill %s: %s fen" % (period, bill.get("total_fen")), bill)

    # 3. Pay it through the bank channel.
    status, paid = api.call("POST", "/api/v1/employer/bills/%d/payment" % bill["bill_id"],
                            {"channel": "bank"})
    expect(status == 200 and paid.get("status") == "paid", "bill paid", paid)

    # 4. Each member's credit, read back from the paid bill's lines.
    status, detail = api.call("GET", "/api/v1/employer/bills/%d" % bill["bill_id"])
    lines = detail.get("lines", [])
    expect(status == 200 and sum(l["total_fen"] for l in lines) == detail["total_fen"],
           "lines add up to the bill", detail)
    credited = {l["member_id"]: l["total_fen"] for l in lines}
    if not fresh:
        # The month was billed before these people joined: they are on next
        # month's bill.
        print("done: the month was already billed; the new staff join next month's bill")
        return
    for member_id, name in enrolled.items():
        fen = credited.get(member_id, 0)
        expect(member_id in credited, "%s credited %d.%02d yuan" % ((name,) + divmod(fen, 100)),
               detail)
    print("done: %d members on the bill, %d new" % (len(lines), len(enrolled)))


if __name__ == "__main__":
    try:
        main()
    except (urllib.error.URLError, OSError, KeyError, TypeError, AttributeError) as e:
        print("FAILED: %s" % e)
        sys.exit(1)
