"""The help start form under attack: does a real visitor still get a case code?

Runs Zicht on a throw-away SQLite database behind a local threaded HTTP server
(127.0.0.1 only), with the production settings that matter here (PBKDF2 passphrase
hashes, proof-of-work base 14 bits, the adaptive difficulty). Then:

* an **attacker** process starts conversations as fast as one process can: fetch the
  form, solve the challenge with hashlib (the same SHA-256 as the browser), send, repeat;
* a **visitor** process starts one conversation now and then, as a person's browser
  would (solving the challenge it gets, and once more if the server asks for more work),
  and measures the time from opening the form to seeing the case code.

Prints the attacker's rate and the difficulty over time, and each visitor's time.
Every request goes to 127.0.0.1, loops are bounded in time and count, and the script
stops by itself.

    .venv/bin/python benchmarks/help_attack.py --attack-seconds 180 --visitor-at 60 100 140 170

Then, on the same server, 8 threads send random case codes to the resume form while a
counsellor's inbox is requested one GET after another; prints its latency quiet and
during that flood (``--resume-threads 0`` skips this part).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import multiprocessing
import os
import re
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = "/hulp/gesprek/nieuw/"
MAX_REQUESTS = 100_000  # a bound on every loop, whatever the durations


# --- the client side: plain HTTP and hashlib, no Django ----------------------------------


def _opener():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def _field(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


def _form(opener, base: str) -> tuple[str, str, int]:
    page = opener.open(base + START, timeout=60).read().decode()
    bits = int(re.search(r'data-pow-bits="(\d+)"', page).group(1))
    return _field(page, "csrfmiddlewaretoken"), _field(page, "challenge"), bits


def solve(challenge: str, bits: int) -> str:
    """The counter whose SHA-256(challenge:counter) starts with ``bits`` zero bits."""
    prefix = hashlib.sha256(f"{challenge}:".encode("ascii"))
    shift = 256 - bits
    counter = 0
    while True:
        h = prefix.copy()
        h.update(str(counter).encode("ascii"))
        if int.from_bytes(h.digest(), "big") >> shift == 0:
            return str(counter)
        counter += 1


def hash_rate(seconds: float = 1.0) -> float:
    """SHA-256 per second of ``solve``'s loop in this process."""
    prefix = hashlib.sha256(b"calibration:")
    started, counter = time.monotonic(), 0
    while time.monotonic() - started < seconds:
        h = prefix.copy()
        h.update(str(counter).encode("ascii"))
        h.digest()
        counter += 1
    return counter / (time.monotonic() - started)


def _send(opener, base, token, challenge, solution, message) -> str:
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "message": message,
            "challenge": challenge,
            "solution": solution,
            "website": "",
        }
    ).encode()
    return opener.open(base + START, data=body, timeout=60).read().decode()


def start_once(opener, base: str, message: str) -> tuple[bool, int, int]:
    """One start as a browser makes it: (got a case code, bits solved, tries)."""
    token, challenge, bits = _form(opener, base)
    for tries in range(1, 4):
        page = _send(opener, base, token, challenge, solve(challenge, bits), message)
        if 'data-testid="case-code"' in page:
            return True, bits, tries
        if "data-pow-resend" not in page:
            return False, bits, tries
        # The price rose while solving: the page carries a fresh challenge; help.js
        # solves it and sends again by itself, so do the same.
        token, challenge = _field(page, "csrfmiddlewaretoken"), _field(page, "challenge")
        bits = int(re.search(r'data-pow-bits="(\d+)"', page).group(1))
    return False, bits, 3


RESUME = "/hulp/gesprek/terug/"
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def resume_flooder(base: str, threads: int, seconds: float, served) -> None:
    """``threads`` threads send random case codes to the resume form for ``seconds``."""
    import random

    def flood():
        opener = _opener()
        token = _field(
            opener.open(base + RESUME, timeout=60).read().decode(), "csrfmiddlewaretoken"
        )
        stop, n = time.monotonic() + seconds, 0
        while time.monotonic() < stop and n < MAX_REQUESTS:
            code = "".join(random.choice(ALPHABET) for _ in range(8))
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "code": code, "passphrase": "appel peer kaas"}
            ).encode()
            opener.open(base + RESUME, data=body, timeout=60).read()
            n += 1
        served.append(n)

    workers = [threading.Thread(target=flood) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(seconds + 120)


def staff_latencies(base: str, cookie: str, seconds: float) -> list[float]:
    """Milliseconds per GET of the counsellor inbox, one after another, for ``seconds``."""
    request = urllib.request.Request(base + "/hulp/gesprekken/", headers={"Cookie": cookie})
    took, stop = [], time.monotonic() + seconds
    while time.monotonic() < stop and len(took) < MAX_REQUESTS:
        t0 = time.monotonic()
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            assert response.status == 200, response.status
        took.append((time.monotonic() - t0) * 1000)
    return took


def staff_cookie() -> str:
    """A counsellor's verified (two-factor) session on the benchmark server."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zicht.accounts.constants import OrganisationType, Role
    from zicht.accounts.models import Membership, Municipality, Organisation, User

    centre = Organisation.objects.create(
        name="Benchmark centrum",
        type=OrganisationType.COORDINATION_CENTRE,
        municipality=Municipality.objects.order_by("code").first(),
    )
    user = User.objects.create_user("benchmark-counsellor", password=None)
    Membership.objects.create(user=user, organisation=centre, role=Role.COUNSELLOR)
    device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def attacker(base: str, seconds: float, results) -> None:
    opener = _opener()
    stop = time.monotonic() + seconds
    started = time.monotonic()
    for _ in range(MAX_REQUESTS):
        if time.monotonic() >= stop:
            break
        ok, bits, _tries = start_once(opener, base, "spam spam spam")
        results.append((time.monotonic() - started, bits, ok))


def visitor(base: str, at: list[float], results) -> None:
    started = time.monotonic()
    for when in at:
        time.sleep(max(0.0, when - (time.monotonic() - started)))
        opener = _opener()  # a fresh browser each time
        t0 = time.monotonic()
        ok, bits, tries = start_once(opener, base, "Iemand dwingt mij pakketjes weg te brengen.")
        results.append((when, time.monotonic() - t0, bits, tries, ok))


# --- the server side -----------------------------------------------------------------------


def serve(var_dir: str):
    os.environ["ZICHT_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "zicht.conf.settings"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "src"))
    import logging

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    logging.disable(logging.WARNING)  # one audit line per start would drown the figures

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attack-seconds", type=float, default=150)
    parser.add_argument(
        "--visitor-at",
        type=float,
        nargs="+",
        default=[60, 90, 120, 140],
        help="seconds after the attack starts at which a visitor starts a conversation",
    )
    parser.add_argument(
        "--resume-threads",
        type=int,
        default=8,
        help="threads sending random case codes to the resume form (0: skip that part)",
    )
    parser.add_argument("--resume-seconds", type=float, default=30)
    parser.add_argument("--markdown", help="also write the figures as Markdown to this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as var_dir:
        server = serve(var_dir)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        from django.conf import settings

        from zicht.help import conf, pow

        rate = hash_rate()

        quiet = []
        visitor(base, [0], quiet)
        manager = multiprocessing.get_context("spawn").Manager()
        attacked, visits = manager.list(), manager.list()
        ctx = multiprocessing.get_context("spawn")
        attack = ctx.Process(target=attacker, args=(base, args.attack_seconds, attacked))
        visit = ctx.Process(target=visitor, args=(base, args.visitor_at, visits))
        load_before = os.getloadavg()
        attack.start()
        visit.start()
        attack.join(args.attack_seconds + 120)
        visit.join(60)
        load_after = os.getloadavg()
        for process in (attack, visit):
            if process.is_alive():
                process.terminate()
        attacked, visits = list(attacked), list(visits)
        resume_lines = []
        if args.resume_threads:
            resume_lines = resume_part(base, args.resume_threads, args.resume_seconds, ctx, manager)
        server.shutdown()
        final_bits = pow.start_bits()
        from zicht.help.models import Conversation

        total = Conversation.objects.count()
        lines = report(
            rate=rate,
            quiet=quiet,
            attacked=attacked,
            visits=visits,
            seconds=args.attack_seconds,
            load=(load_before, load_after),
            total=total,
            final_bits=final_bits,
            settings=(conf.pow_bits(), conf.pow_max_bits(), conf.starts_per_hour()),
            hasher=settings.PASSWORD_HASHERS[0].rsplit(".", 1)[-1],
        )
    lines += resume_lines
    print("\n".join(lines))
    if args.markdown:
        Path(args.markdown).write_text("\n".join(lines) + "\n", encoding="utf-8")
    worst = max((v[1] for v in visits), default=float("inf"))
    return 0 if visits and all(v[4] for v in visits) and worst < 10 else 1


def resume_part(base, threads, seconds, ctx, manager) -> list[str]:
    """Staff page latency, quiet and while ``threads`` threads send random case codes."""
    import resource

    cookie = staff_cookie()
    staff_latencies(base, cookie, 2)  # warm up
    quiet = staff_latencies(base, cookie, 10)
    served = manager.list()
    flood = ctx.Process(target=resume_flooder, args=(base, threads, seconds, served))
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    load_before = os.getloadavg()[0]
    flood.start()
    time.sleep(2)
    busy = staff_latencies(base, cookie, max(1.0, seconds - 4))
    flood.join(seconds + 120)
    if flood.is_alive():
        flood.terminate()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    total = sum(served)
    return [
        "",
        "## Resume form flooded with random case codes",
        "",
        f"{threads} threads in another process sent {total:,} random case codes to "
        f"`/hulp/gesprek/terug/` in {seconds:g} s ({total / seconds:.1f} a second); the "
        f"server process used {cpu:.1f} s of CPU in that time, all requests together "
        f"(load average {load_before:.2f} before). Unknown codes are never hashed: each "
        "waits as long as a real check takes, without the work.",
        "",
        "| counsellor inbox GET | requests | median ms | p95 ms |",
        "|---|---:|---:|---:|",
        f"| quiet | {len(quiet)} | {_percentile(quiet, 0.5):.0f} | {_percentile(quiet, 0.95):.0f} |",
        f"| during the flood | {len(busy)} | {_percentile(busy, 0.5):.0f} | "
        f"{_percentile(busy, 0.95):.0f} |",
    ]


def report(*, rate, quiet, attacked, visits, seconds, load, total, final_bits, settings, hasher):
    base_bits, max_bits, per_hour = settings
    ok = [a for a in attacked if a[2]]
    lines = [
        "## Help start form under attack",
        "",
        "Command: `.venv/bin/python benchmarks/help_attack.py "
        f"--attack-seconds {seconds:g} --visitor-at {' '.join(f'{v[0]:g}' for v in visits)}`",
        "",
        f"Machine: {os.cpu_count()} cores, load average {load[0][0]:.2f} before and "
        f"{load[1][0]:.2f} after the attack (1 minute); Python {sys.version.split()[0]}; "
        f"one attacker process hashing {rate / 1e6:.2f} M SHA-256/s; server: threaded WSGI on "
        f"127.0.0.1, SQLite, {hasher}; proof-of-work base {base_bits} bits, max {max_bits}, "
        f"{per_hour} starts an hour at the base price.",
        "",
        "| attack seconds | attacker starts | starts per second | difficulty (bits) |",
        "|---|---:|---:|---|",
    ]
    step = max(15.0, seconds / 10)
    t = 0.0
    while t < seconds:
        chunk = [a for a in ok if t <= a[0] < t + step]
        bits = sorted({a[1] for a in chunk})
        shown = f"{bits[0]}–{bits[-1]}" if len(bits) > 1 else (str(bits[0]) if bits else "–")
        lines.append(
            f"| {t:.0f}–{t + step:.0f} | {len(chunk)} | {len(chunk) / step:.2f} | {shown} |"
        )
        t += step
    lines += [
        "",
        f"Attacker: {len(ok)} conversations in {seconds:g} s ({len(ok) / seconds * 3600:,.0f} "
        f"an hour; {len(attacked) - len(ok)} refused); difficulty at the end {final_bits} bits; "
        f"{total} conversations in the database. The old global cap (120 an hour) would have "
        "closed the door after 120.",
        "",
        "| visitor starts at (s) | time to case code (s) | bits solved | tries | case code |",
        "|---:|---:|---:|---:|---|",
    ]
    for when, took, bits, tries, got in [(None, *q[1:]) for q in quiet] + visits:
        label = "before the attack" if when is None else f"{when:g}"
        lines.append(f"| {label} | {took:.2f} | {bits} | {tries} | {'yes' if got else 'NO'} |")
    worst = max((v[1] for v in visits), default=float("nan"))
    lines += ["", f"Slowest visitor under attack: {worst:.2f} s (goal: < 10 s)."]
    return lines


if __name__ == "__main__":
    sys.exit(main())
