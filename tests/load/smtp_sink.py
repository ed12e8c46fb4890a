"""A mail server that keeps what it is sent, for the deadline-rush test: enough SMTP for
Django's SMTP backend (HELO/EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), no authentication,
no TLS, every message accepted and kept in memory.

    with SmtpSink() as sink:      # sink.port: where EMAIL_PORT points
        ...
        sink.messages             # [(sender, [recipients], raw message bytes)]
"""
from email import message_from_bytes, policy
import socketserver
import threading


class _Session(socketserver.StreamRequestHandler):
    server: "_Server"

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 loadtest sink ready")
        sender, recipients = "", []
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb in {"HELO", "EHLO"}:
                self.reply("250 loadtest sink")
            elif verb == "MAIL":
                sender, recipients = command.partition(":")[2].strip(" <>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.partition(":")[2].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                self.server.keep(sender, recipients, b"".join(lines))
                self.reply("250 OK: kept")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            elif verb in {"RSET", "NOOP"}:
                sender, recipients = ("", []) if verb == "RSET" else (sender, recipients)
                self.reply("250 OK")
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.lock = threading.Lock()
        self.messages: list[tuple[str, list[str], bytes]] = []

    def keep(self, sender: str, recipients: list[str], raw: bytes) -> None:
        with self.lock:
            self.messages.append((sender, recipients, raw))


class SmtpSink:
    """A sink on a free port of 127.0.0.1, served by a thread while the block runs."""

    def __enter__(self) -> "SmtpSink":
        self.server = _Server()
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *_exception) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def messages(self) -> list[tuple[str, list[str], bytes]]:
        with self.server.lock:
            return list(self.server.messages)

    def subjects_by_recipient(self) -> dict[str, list[str]]:
        """The subject of every message kept, under each of its recipients."""
        found: dict[str, list[str]] = {}
        for _sender, recipients, raw in self.messages:
            subject = str(message_from_bytes(raw, policy=policy.default).get("Subject", ""))
            for recipient in recipients:
                found.setdefault(recipient.lower(), []).append(subject)
        return found
