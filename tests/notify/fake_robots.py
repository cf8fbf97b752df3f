"""A local stand-in for the WeCom and DingTalk robot webhooks: a threaded HTTP server on 127.0.0.1 that answers
as the platforms do (HTTP 200 with a JSON ``errcode``).

- WeCom (``/cgi-bin/webhook/send?key=KEY``): the key must be a robot it knows (else 93000); the body a markdown
  message.
- DingTalk (``/robot/send?access_token=T&timestamp=MS&sign=S``): the token must be known (else 300001); when
  the robot has a secret, the timestamp must be within an hour of now and the sign the base64 HMAC-SHA256 of
  "timestamp\\nsecret" (else 310000); when it has a keyword, the text must contain it (else 310000).
- Each robot takes ``rate`` messages in any sliding minute; more are answered 45009 (WeCom) or 130101
  (DingTalk) and not recorded.

It reads the clock through ``time.time()``, so a test that moves the clock with time-machine moves it too.
``received`` holds every accepted message as (robot, payload).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class FakeRobot:
    token: str
    secret: str = ""
    keyword: str = ""
    calls: list[float] = field(default_factory=list)


class FakeRobots:
    def __init__(self, *, rate: int = 20) -> None:
        self.rate = rate
        self.robots: dict[tuple[str, str], FakeRobot] = {}
        self.received: list[tuple[str, dict]] = []
        self.answers: list[int] = []  # every errcode answered, in order
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                if parts.path == "/cgi-bin/webhook/send":
                    code = outer._wecom(query, body)
                elif parts.path == "/robot/send":
                    code = outer._dingtalk(query, body)
                else:
                    code = 404
                answer = json.dumps({"errcode": code, "errmsg": "ok" if code == 0 else "refused"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    # --- set-up -------------------------------------------------------------------------------------------------
    @property
    def wecom_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send"

    @property
    def dingtalk_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/robot/send"

    def add(self, kind: str, token: str, *, secret: str = "", keyword: str = "") -> FakeRobot:
        robot = self.robots[(kind, token)] = FakeRobot(token, secret, keyword)
        return robot

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def texts(self, token: str) -> list[str]:
        """What a robot's group was shown, in order."""
        found = []
        for name, payload in self.received:
            if name == token:
                markdown = payload["markdown"]
                found.append(markdown.get("content") or markdown.get("text"))
        return found

    # --- the platforms --------------------------------------------------------------------------------------
    def _paced(self, robot: FakeRobot) -> bool:
        moment = time.time()
        robot.calls = [t for t in robot.calls if t > moment - 60]
        if len(robot.calls) >= self.rate:
            return False
        robot.calls.append(moment)
        return True

    def _answer(self, code: int, robot: FakeRobot | None = None, body: dict | None = None) -> int:
        self.answers.append(code)
        if code == 0 and robot is not None and body is not None:
            self.received.append((robot.token, body))
        return code

    def _wecom(self, query: dict, body: dict) -> int:
        with self.lock:
            robot = self.robots.get(("wecom", query.get("key", "")))
            if robot is None:
                return self._answer(93000)
            if body.get("msgtype") != "markdown" or not body.get("markdown", {}).get("content"):
                return self._answer(40008)
            if not self._paced(robot):
                return self._answer(45009)
            return self._answer(0, robot, body)

    def _dingtalk(self, query: dict, body: dict) -> int:
        with self.lock:
            robot = self.robots.get(("dingtalk", query.get("access_token", "")))
            if robot is None:
                return self._answer(300001)
            if robot.secret and not self._signed(robot.secret, query):
                return self._answer(310000)
            markdown = body.get("markdown", {})
            if body.get("msgtype") != "markdown" or not markdown.get("title") or not markdown.get("text"):
                return self._answer(40035)
            if robot.keyword and robot.keyword not in markdown["text"]:
                return self._answer(310000)
            if not self._paced(robot):
                return self._answer(130101)
            return self._answer(0, robot, body)

    @staticmethod
    def _signed(secret: str, query: dict) -> bool:
        try:
            stamp = int(query.get("timestamp", ""))
        except ValueError:
            return False
        if abs(time.time() * 1000 - stamp) > 3600 * 1000:
            return False
        mac = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
        return hmac.compare_digest(query.get("sign", ""), base64.b64encode(mac).decode())
