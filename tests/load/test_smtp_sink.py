"""The load test's mail server keeps what Django's SMTP backend sends it."""
from django.core.mail import EmailMessage, get_connection

from tests.load.smtp_sink import SmtpSink


def test_the_sink_keeps_every_message_django_sends_it_with_its_recipients():
    with SmtpSink() as sink:
        connection = get_connection("django.core.mail.backends.smtp.EmailBackend",
                                    host="127.0.0.1", port=sink.port, timeout=5)
        sent = connection.send_messages([
            EmailMessage("Nouă depunere", "Corp\n.\nline with a dot", "from@example.org",
                         ["NCP-RO@example.org", "ncp-de@example.org"]),
            EmailMessage("Review", "Body", "from@example.org", ["applicant@example.org"]),
        ])

        assert sent == 2
        assert sink.subjects_by_recipient() == {
            "ncp-ro@example.org": ["Nouă depunere"],
            "ncp-de@example.org": ["Nouă depunere"],
            "applicant@example.org": ["Review"],
        }
        assert b"Corp\n.\nline with a dot" in sink.messages[0][2].replace(b"\r\n", b"\n")
