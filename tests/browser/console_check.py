"""The web console in headless Chromium against a real hub (started by
console_browser_test.sh): asserts on the DOM what an operator and a viewer
see, and saves screenshots. Exits non-zero with the reason on the first
failed check.

usage: console_check.py --devtools-port P --url https://127.0.0.1:N --device ID
         --admin-token T --operator-token T --viewer-token T --artifacts DIR
"""

import argparse
import json
import os
import sys
import time

from cdp import Browser


def js_string(text):
    return json.dumps(text)


class Console:
    def __init__(self, page, url, artifacts):
        self.page = page
        self.url = url
        self.artifacts = artifacts

    def shot(self, name):
        path = os.path.join(self.artifacts, name + ".png")
        self.page.screenshot(path)
        print(f"screenshot: {path}")

    def text(self, selector):
        return self.page.evaluate(
            f"(document.querySelector({js_string(selector)}) || {{}}).textContent || ''")

    def visible(self, selector):
        """Present and laid out (not display: none, not inside a hidden parent)."""
        return self.page.evaluate(f"""(() => {{
            const element = document.querySelector({js_string(selector)});
            return element !== null && element.getClientRects().length > 0;
        }})()""")

    def exists(self, selector):
        return self.page.evaluate(f"document.querySelector({js_string(selector)}) !== null")

    def fill(self, selector, value):
        self.page.evaluate(f"""(() => {{
            const field = document.querySelector({js_string(selector)});
            if (!field) throw new Error('no ' + {js_string(selector)});
            field.value = {js_string(value)};
            field.dispatchEvent(new Event('input', {{bubbles: true}}));
        }})()""")

    def submit(self, form):
        self.page.evaluate(f"document.querySelector({js_string(form)}).requestSubmit()")

    def click(self, selector):
        self.page.evaluate(f"document.querySelector({js_string(selector)}).click()")

    def go(self, hash_route):
        self.page.evaluate(f"location.hash = {js_string(hash_route)}")

    def sign_in(self, token, expected):
        self.page.wait_for("document.querySelector('#sign-in') !== null", "the sign-in form")
        self.fill("#token", token)
        self.submit("#sign-in")
        self.page.wait_for(f"document.querySelector('#whoami').textContent === {js_string(expected)}",
                           f"the header to show {expected}")

    def sign_out(self):
        self.click("#sign-out")
        self.page.wait_for("document.querySelector('#sign-in') !== null",
                           "the sign-in form after sign-out")
        check(self.page.evaluate("sessionStorage.getItem('edgehub.token')") is None,
              "sign-out left the token in sessionStorage")

    def chart_points(self):
        return int(self.page.evaluate(
            "Number(document.querySelector('#telemetry-chart')?.dataset.points || 0)"))


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def operator_session(console, args):
    page = console.page
    page.navigate(args.url + "/")
    check(page.evaluate("location.pathname") == "/console/", "/ does not lead to /console/")
    page.wait_for("document.querySelector('#sign-in') !== null", "the sign-in form")

    # A wrong token: a clear message, still signed out.
    console.fill("#token", "0" * 64)
    console.submit("#sign-in")
    message = page.wait_for("document.querySelector('#sign-in-error')?.textContent",
                            "the wrong token's message")
    check("not valid" in message, f"wrong token message: {message!r}")
    check(page.evaluate("sessionStorage.getItem('edgehub.token')") is None,
          "a refused token is kept in sessionStorage")
    check(not console.visible("#nav") and not console.visible("#sign-out"),
          "the navigation or the sign-out button shows while signed out")
    console.shot("01-sign-in-wrong-token")

    console.sign_in(args.operator_token, "opal (operator)")
    check(console.visible("#nav") and console.visible("#sign-out"),
          "no navigation or sign-out button once signed in")
    check(page.evaluate("sessionStorage.getItem('edgehub.token')") == args.operator_token,
          "the token is not in sessionStorage")
    row = f"#devices tr[data-device={js_string(args.device)}]"
    page.wait_for(f"document.querySelector({js_string(row)})?.dataset.connection === 'connected'",
                  f"{args.device} listed as connected")
    check(page.evaluate("document.querySelectorAll('#devices button').length") == 0,
          "an operator sees device buttons (disable / enable are an admin's)")
    console.shot("02-devices")

    # The device page: the chart grows while the device sends telemetry.
    console.go("#/devices/" + args.device)
    page.wait_for("Number(document.querySelector('#telemetry-chart')?.dataset.points) > 0",
                  "the first telemetry points on the chart")
    series = page.evaluate("document.querySelector('#telemetry-chart').dataset.series")
    check("temperature" in series.split(","), f"no temperature series: {series!r}")
    before = console.chart_points()
    time.sleep(3)
    after = console.chart_points()
    print(f"chart points: {before} -> {after} in 3 s (series {series})")
    check(after > before, f"the chart did not grow: {before} -> {after}")
    check(page.evaluate("document.querySelector('#device-connection').textContent") == "connected",
          "the device page does not show the device connected")

    # A command and its answer.
    console.fill("#command-name", "ping")
    console.fill("#command-payload", "{}")
    console.click("#command-submit")
    status = page.wait_for("document.querySelector('#command-status')?.textContent",
                           "the command's answer", timeout=20)
    check(status == "200", f"ping answered {status!r}")
    result = console.text("#command-result")
    check('"pong": true' in result, f"the answer's payload: {result!r}")
    page.wait_for("document.querySelector('#command-history tr[data-state=\"completed\"]') !== null",
                  "the command in the history as completed", timeout=10)

    # An unknown command: the device's own status, shown as it is.
    console.fill("#command-name", "self-destruct")
    console.click("#command-submit")
    page.wait_for("document.querySelector('#command-status')?.textContent === '404'",
                  "the device's 404 for an unknown command", timeout=20)

    # The twin: change desired, the device applies it and reports.
    old_version = page.wait_for("document.querySelector('#twin-desired-version')?.textContent",
                                "the twin")
    console.fill("#twin-patch", '{"interval_ms": 250, "mode": "browser-test"}')
    console.submit("#twin-edit")
    page.wait_for("document.querySelector('#twin-desired')?.textContent.includes('browser-test')",
                  "the new desired properties")
    new_version = console.text("#twin-desired-version")
    check(new_version != old_version, f"desired version unchanged: {old_version} -> {new_version}")
    page.wait_for("document.querySelector('#twin-reported')?.textContent.includes('250')",
                  "the device to report interval_ms 250", timeout=20)
    console.shot("03-device-operator")

    # The audit page records the command.
    console.go("#/audit")
    page.wait_for("[...document.querySelectorAll('#audit tbody tr')].some(r => "
                  "r.textContent.includes('opal') && r.textContent.includes('/commands'))",
                  "the command in the audit stream")
    console.shot("04-audit")
    console.go("#/streams/telemetry")
    page.wait_for("document.querySelectorAll('#stream-tail tr').length > 0", "the telemetry tail")
    lag = page.wait_for(
        "Number(document.querySelector('#stream-groups tr[data-group=\"console-readers\"] td:nth-child(3)')"
        "?.textContent)", "the consumer group's lag")
    check(lag > 0, f"the group's lag: {lag}")
    tail_before = page.evaluate("Number(document.querySelector('#stream-tail tr').dataset.offset)")
    page.wait_for(f"Number(document.querySelector('#stream-tail tr').dataset.offset) > {tail_before}",
                  "a new record at the top of the live tail")
    console.shot("05-stream-telemetry")
    console.go("#/deadletters")
    page.wait_for("document.querySelector('#deadletters tbody tr') !== null", "the dead letters table")

    # An API error is shown with the hub's message.
    console.go("#/streams/no-such-stream")
    banner = page.wait_for("!document.querySelector('#error').hidden && "
                           "document.querySelector('#error-text').textContent", "the error banner")
    check("no-such-stream" in banner, f"the error banner says: {banner!r}")
    console.click("#error-close")
    check(not console.visible("#error"), "the error banner stays after it was dismissed")

    # An operator changes no routes.
    console.go("#/routes")
    page.wait_for("document.querySelector('#routes tbody tr') !== null", "the routes table")
    check(not console.exists("#route-add"), "an operator sees the add-route form")
    console.sign_out()


def admin_session(console, args):
    """Admin actions: a route added through the console (one that fails on
    every message, so that dead letters with their reason appear), a
    condition that does not compile (the hub's message shown), the route
    deleted again."""
    page = console.page
    console.sign_in(args.admin_token, "admin (admin)")
    console.go("#/devices")
    row = f"#devices tr[data-device={js_string(args.device)}]"
    button = page.wait_for(f"document.querySelector({js_string(row + ' button')})?.textContent",
                           "the admin's disable button")
    check(button == "Disable", f"the admin's device button says {button!r}")
    console.go("#/routes")
    page.wait_for("document.querySelector('#route-add') !== null", "the admin's add-route form")
    console.fill("#route-name", "broken")
    console.fill("#route-condition", "$.temperature >")
    console.fill("#route-stream", "never")
    console.submit("#route-add")
    error = page.wait_for("document.querySelector('#route-error')?.textContent",
                          "the hub's refusal of a condition that does not compile")
    print(f"refused route: {error}")
    console.fill("#route-name", "not-json")
    console.fill("#route-condition", "json($.temperature || 'x') IS NOT NULL")
    console.submit("#route-add")
    page.wait_for("document.querySelector('#routes tr[data-route=\"not-json\"]') !== null",
                  "the new route in the list")
    console.go("#/deadletters")
    reason = page.wait_for(
        "[...document.querySelectorAll('#deadletters td.reason')].map(c => c.textContent)"
        ".find(t => t.includes(\"route 'not-json' failed\"))",
        "a dead letter with the failing route's reason", timeout=20)
    print(f"dead letter reason: {reason}")
    console.shot("07-deadletters-admin")
    console.go("#/routes")
    page.evaluate("window.confirm = () => true")  # the delete button asks first
    page.wait_for("document.querySelector('#routes tr[data-route=\"not-json\"] button') !== null",
                  "the delete button")
    console.click('#routes tr[data-route="not-json"] button')
    page.wait_for("document.querySelector('#routes tr[data-route=\"not-json\"]') === null",
                  "the deleted route gone from the list")
    console.sign_out()


def viewer_session(console, args):
    page = console.page
    console.sign_in(args.viewer_token, "vic (viewer)")
    console.go("#/devices/" + args.device)
    page.wait_for("Number(document.querySelector('#telemetry-chart')?.dataset.points) > 0",
                  "the chart for a viewer")
    page.wait_for("document.querySelector('#twin-desired') !== null", "the twin for a viewer")
    page.wait_for("document.querySelector('#command-history tbody tr[data-command]') !== null",
                  "the command history for a viewer")
    for selector in ("#command-send", "#command-submit", "#twin-edit", "#twin-save"):
        check(not console.exists(selector), f"a viewer sees {selector}")
    buttons = page.evaluate(
        "document.querySelectorAll('#commands-panel button, #twin-panel button').length")
    check(buttons == 0, f"a viewer sees {buttons} buttons on the device page")
    console.shot("06-device-viewer")
    console.go("#/routes")
    page.wait_for("document.querySelector('#routes tbody tr') !== null", "the routes table")
    check(not console.exists("#route-add"), "a viewer sees the add-route form")
    console.go("#/devices")
    page.wait_for("document.querySelector('#devices tbody tr[data-device]') !== null",
                  "the device list for a viewer")
    check(page.evaluate("document.querySelectorAll('#devices button').length") == 0,
          "a viewer sees device buttons")


def main():
    parser = argparse.ArgumentParser()
    for name in ("--devtools-port", "--url", "--device", "--admin-token", "--operator-token",
                 "--viewer-token", "--artifacts"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    browser = Browser(int(args.devtools_port))
    page = browser.new_page()
    console = Console(page, args.url, args.artifacts)
    try:
        operator_session(console, args)
        admin_session(console, args)
        viewer_session(console, args)
        page.drain_events()
        # The expected refusals: the wrong token's 401 at sign-in, the bad
        # route's 400, the unknown stream's 404 (each asked for above).
        def expected(problem):
            return problem.startswith("log (network)") and (
                "status of 401" in problem or "status of 400" in problem
                or ("status of 404" in problem and "no-such-stream" in problem))
        problems = [p for p in page.problems() if not expected(p)]
        check(not problems, "the page reported errors:\n  " + "\n  ".join(problems))
    except Exception:
        try:
            console.shot("failure")
        except Exception as error:  # noqa: BLE001 - the original failure matters more
            print(f"(no failure screenshot: {error})", file=sys.stderr)
        print("page problems:", *page.problems(), sep="\n  ", file=sys.stderr)
        raise
    finally:
        browser.close()
    print("PASS: console in headless Chromium")


if __name__ == "__main__":
    main()
