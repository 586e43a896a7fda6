#!/usr/bin/env python3
"""The web chat page, used as a person would use it: in headless Chromium, against a live chat-server.

Usage: check_page.py CHAT_SERVER_BINARY [LESSON05_BINARY]

Starts the server on a free port with a fresh SQLite file, signs people up and in through the page,
chats between pages, restarts the server under them, and checks what each page shows. Exits non-zero
at the first check that fails. With lesson 5's executable, checks that its server serves the same page
too. Run by Tests/WebPage/run, which installs Playwright first.
"""

import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile

from playwright.sync_api import Page, expect, sync_playwright

PASSWORD = "correct horse battery staple"
TIMEOUT_MS = 10_000
TOKEN_TTL = 6


class Server:
    """chat-server as a child process, started again on the same port after a stop."""

    def __init__(self, binary: str, arguments: list[str]):
        self.binary, self.arguments = binary, arguments
        self.port = 0
        self.process: subprocess.Popen | None = None
        # One signing key for both runs, so that the pages' refresh tokens outlive the restart.
        self.environment = dict(os.environ, CHAT_JWT_SECRET=secrets.token_urlsafe(48))

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, *self.arguments, "--port", str(self.port)],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=self.environment,
        )
        for line in self.process.stderr:
            found = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
            if found:
                self.port = int(found.group(1))
                return
        raise RuntimeError(f"chat-server exited with {self.process.wait()} before listening")

    def stop(self) -> None:
        """SIGTERM, as a deployment stops it; the server closes every socket with 1001 first."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=15)
        if code != 0:
            raise RuntimeError(f"chat-server exited with {code} on SIGTERM")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


class Faults:
    """What the browser reported against the page: uncaught exceptions, and anything the Content
    Security Policy refused. (Refused sign-ins and failed reconnects log errors too: those are expected.)"""

    def __init__(self):
        self.seen: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("pageerror", lambda error: self.seen.append(f"uncaught: {error}"))
        page.on("console", lambda message: self.seen.append(message.text)
                if "Content Security Policy" in message.text or "Refused to" in message.text else None)
        return page


def log_lines(page: Page, text: str):
    return page.locator("#log li", has_text=text)


def enter(page: Page, name: str, password: str | None = PASSWORD) -> None:
    page.fill("#name", name)
    if password is not None:
        page.fill("#password", password)
    page.click("#signin")


def sign_up(page: Page, name: str, password: str = PASSWORD) -> None:
    page.fill("#name", name)
    page.fill("#password", password)
    page.click("#signup")


def say(page: Page, text: str) -> None:
    """Types a line and waits until the page shows it confirmed, once."""
    page.fill("#text", text)
    page.press("#text", "Enter")
    expect(log_lines(page, text)).to_have_count(1, timeout=TIMEOUT_MS)


def expect_caught_up(pages: dict[str, Page], lines: list[str]) -> None:
    """Each page reconnects on its own, with backoff, asks for what it missed with `since`, and then
    shows each line once."""
    for name, page in pages.items():
        expect(page.locator("#status")).to_have_text(f"Connected as {name}", timeout=40_000)
        for line in lines:
            expect(log_lines(page, line)).to_have_count(1, timeout=TIMEOUT_MS)


def check(description: str) -> None:
    print(f"✔ {description}", flush=True)


def with_accounts(browser, binary: str, folder: str, faults: Faults) -> None:
    # Short-lived access tokens: the pages must refresh them in-band to stay connected. The page refreshes
    # at 80% of a short lifetime, so 6 seconds leaves 1.2 for the refresh on a busy machine.
    arguments = ["--allow-registration", "--access-token-ttl", str(TOKEN_TTL), "--db", os.path.join(folder, "accounts.sqlite")]
    server = Server(binary, arguments)
    server.start()
    try:
        alice, bob = faults.watch(browser.new_page()), faults.watch(browser.new_page())
        for page in (alice, bob):
            page.goto(server.url)
            expect(page.locator("#signup")).to_be_visible(timeout=TIMEOUT_MS)

        sign_up(alice, "alice", password="short")
        expect(alice.locator("#status")).to_have_text(re.compile(r"^Sign-up failed: [A-Z].*[^}]$"), timeout=TIMEOUT_MS)
        check("a weak password is refused with the server's sentence")

        for page, name in ((alice, "alice"), (bob, "bob")):
            sign_up(page, name)
            expect(page.locator("#status")).to_have_text("Signed up: now enter.", timeout=TIMEOUT_MS)
        check("two people sign up")

        enter(bob, "bob", "not the password")
        expect(bob.locator("#status")).to_contain_text("Sign-in failed", timeout=TIMEOUT_MS)
        check("a wrong password is refused at sign-in")

        for page, name in ((alice, "alice"), (bob, "bob")):
            enter(page, name)
            expect(page.locator("#status")).to_have_text(f"Connected as {name}", timeout=TIMEOUT_MS)
            expect(page.locator("#text")).to_be_enabled(timeout=TIMEOUT_MS)
        expect(alice.locator("#members")).to_contain_text("bob", timeout=TIMEOUT_MS)
        check("both sign in, join general, and each sees the other among the members")

        alice.fill("#text", "hello from alice")
        alice.press("#text", "Enter")
        expect(log_lines(bob, "hello from alice")).to_have_count(1, timeout=TIMEOUT_MS)
        expect(log_lines(alice, "hello from alice")).to_have_count(1, timeout=TIMEOUT_MS)
        check("what alice says reaches bob, once, and alice's own line is confirmed")

        alice.fill("#text", "/dm bob just between us")
        alice.press("#text", "Enter")
        expect(log_lines(bob, "just between us")).to_have_count(1, timeout=TIMEOUT_MS)
        expect(log_lines(alice, "just between us")).to_contain_text("alice → bob", timeout=TIMEOUT_MS)
        check("a direct message (/dm) reaches its recipient, and the sender sees its copy")

        # Past two lifetimes of the first token: without a refresh the server closes with 1008.
        alice.wait_for_timeout(TOKEN_TTL * 2_500)
        bob.fill("#text", "still here")
        bob.press("#text", "Enter")
        expect(log_lines(alice, "still here")).to_have_count(1, timeout=TIMEOUT_MS)
        for page, name in ((alice, "alice"), (bob, "bob")):
            expect(page.locator("#status")).to_have_text(f"Connected as {name}")
        check("the pages refresh their access tokens in-band and stay connected past expiry")

        server.stop()
        for page in (alice, bob):
            expect(page.locator("#status")).to_contain_text("1001", timeout=TIMEOUT_MS)
        check("a server shutdown reaches both pages as 1001, and they wait to reconnect")

        server.start()
        carol = faults.watch(browser.new_page())
        carol.goto(server.url)
        sign_up(carol, "carol")
        expect(carol.locator("#status")).to_have_text("Signed up: now enter.", timeout=TIMEOUT_MS)
        enter(carol, "carol")
        expect(carol.locator("#text")).to_be_enabled(timeout=TIMEOUT_MS)
        say(carol, "said while you were away")
        carol.fill("#text", "/dm bob for bob only")
        carol.press("#text", "Enter")
        expect(log_lines(carol, "for bob only")).to_have_count(1, timeout=TIMEOUT_MS)
        expect_caught_up({"alice": alice, "bob": bob}, ["said while you were away", "hello from alice", "just between us"])
        expect(log_lines(bob, "for bob only")).to_have_count(1, timeout=TIMEOUT_MS)
        expect(log_lines(alice, "for bob only")).to_have_count(0)
        check("after a restart both pages reconnect and show what was said meanwhile, with nothing twice")
        check("a direct message sent while its recipient was away reaches that recipient alone")
    finally:
        if server.process.poll() is None:
            server.stop()


def without_accounts(browser, binary: str, folder: str, faults: Faults) -> None:
    server = Server(binary, ["--dev", "--allow-anonymous", "--db", os.path.join(folder, "anonymous.sqlite")])
    server.start()
    try:
        page = faults.watch(browser.new_page())
        page.goto(server.url)
        expect(page.locator("#password")).to_be_hidden(timeout=TIMEOUT_MS)
        enter(page, "dana", password=None)
        expect(page.locator("#status")).to_have_text("Connected as dana", timeout=TIMEOUT_MS)
        page.fill("#text", "no account needed")
        page.press("#text", "Enter")
        expect(log_lines(page, "no account needed")).to_have_count(1, timeout=TIMEOUT_MS)
        check("with --dev --allow-anonymous a name is enough to chat")
    finally:
        server.stop()


def lesson05(browser, binary: str, folder: str, faults: Faults) -> None:
    """Lesson 5's server (the reference) serves the same page: two people chat by name, the server
    restarts under them, someone speaks meanwhile, and both pages catch up with `since`, nothing twice."""
    server = Server(binary, ["--solution", "--database", os.path.join(folder, "lesson05.sqlite")])
    server.start()
    try:
        erin, frank = faults.watch(browser.new_page()), faults.watch(browser.new_page())
        for page, name in ((erin, "erin"), (frank, "frank")):
            page.goto(server.url)
            enter(page, name, password=None)
            expect(page.locator("#status")).to_have_text(f"Connected as {name}", timeout=TIMEOUT_MS)
            expect(page.locator("#text")).to_be_enabled(timeout=TIMEOUT_MS)
        expect(erin.locator("#members")).to_contain_text("frank", timeout=TIMEOUT_MS)
        say(erin, "hello frank")
        expect(log_lines(frank, "hello frank")).to_have_count(1, timeout=TIMEOUT_MS)
        check("lesson 5's server: two pages chat in a room by name")

        server.stop()
        server.start()
        gina = faults.watch(browser.new_page())
        gina.goto(server.url)
        enter(gina, "gina", password=None)
        expect(gina.locator("#text")).to_be_enabled(timeout=TIMEOUT_MS)
        say(gina, "while you were away")
        expect_caught_up({"erin": erin, "frank": frank}, ["while you were away", "hello frank"])
        check("lesson 5's server: after a restart both pages rejoin with since and show what they missed, once")
    finally:
        if server.process.poll() is None:
            server.stop()


def main() -> None:
    binary = sys.argv[1]
    lesson_binary = sys.argv[2] if len(sys.argv) > 2 else None
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        # Root in a container has no user namespaces for Chromium's sandbox.
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        faults = Faults()
        try:
            with_accounts(browser, binary, folder, faults)
            without_accounts(browser, binary, folder, faults)
            if lesson_binary:
                lesson05(browser, lesson_binary, folder, faults)
        finally:
            browser.close()
        if faults.seen:
            sys.exit("✘ the browser reported faults:\n  " + "\n  ".join(faults.seen))
        check("no script error, and nothing the Content Security Policy refused")


if __name__ == "__main__":
    main()
