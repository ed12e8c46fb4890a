"""The simulated clients of the load test (tests/load/run.py starts locust with this file).

Applicants sign up (reading the link that confirms it from the server's e-mail files,
LOADTEST_MAIL), then over and over create a consortium for the practice call, edit it,
check it through the API, submit it and open its report. National contact points sign in and
review submissions from their queue. What the server said was saved (a consortium created,
an edit, a submission, a review) is written to the ledger file named by LOADTEST_LEDGER when
locust quits, with every 5xx answer and every request that got no answer; run.py then looks
for each saved thing in the database.

The plan (LOADTEST_PLAN, a JSON file written by tests/load/prepare.py) names the call, the
regions and the reviewers' accounts. Each client pauses between its steps for a random time
between the two numbers of LOADTEST_PAUSE, in seconds (default "0.5,2").

The deadline rush (tests/load/run.py --rush) runs RushApplicant and RushReviewer instead of
Applicant and Reviewer: the applicants signed up earlier (their accounts are in the plan) and
sign in; every client comes from an address of its own (X-Forwarded-For, behind one trusted
proxy), so that the rate limits count each one apart; and each request goes to one of the
application instances of LOADTEST_HOSTS, chosen at random, so that one person's requests are
served by both. Submissions refused (after the deadline) go to the ledger too.
"""
import itertools
import json
import os
from pathlib import Path
import random
import re
import time
import uuid

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
LEDGER: dict[str, list] = {
    "consortia": [], "edits": [], "submissions": [], "reviews": [],
    "server_errors": [], "no_answer": [], "unexpected": [], "refused_submissions": [],
}
HOSTS = [host for host in os.environ.get("LOADTEST_HOSTS", "").split(",") if host]
ADDRESSES = (f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
             for number in itertools.count(1))
APPLICANT_ACCOUNTS = iter(PLAN.get("applicants", []))
# The call's deadline (seconds since the epoch) when the rush moved it; after it a check
# says "not eligible" and a submission is refused, as they should.
DEADLINE = float(os.environ.get("LOADTEST_DEADLINE", "inf"))
REVIEWER_ACCOUNTS = itertools.cycle(PLAN["reviewers"])
PAUSE = [float(seconds) for seconds in os.environ.get("LOADTEST_PAUSE", "0.5,2").split(",")]
MEMBER_ID = re.compile(r'<input[^>]*name="members-(\d+)-id"[^>]*value="(\d+)"')
SUBMISSION_REPORT = re.compile(r"/consortia/(\d+)/submissions/(\d+)/$")
CONSORTIUM_PAGE = re.compile(r"/consortia/(\d+)/$")
QUEUE_ROW = re.compile(r'href="/reviews/submissions/(\d+)/"')
ACTIVATION = re.compile(r"https?://[^/\s]+(/accounts/activate/\S+/)")


@events.quitting.add_listener
def write_ledger(environment, **_kwargs) -> None:
    Path(os.environ["LOADTEST_LEDGER"]).write_text(json.dumps(LEDGER))


class Client(HttpUser):
    abstract = True

    def send(self, method: str, path: str, *, expect: tuple[int, ...], name: str | None = None,
                **kwargs):
        """Send a request without following redirects; a 5xx, no answer or another status
        than ``expect`` is a failure (and goes to the ledger). Returns the response, or None."""
        if HOSTS:
            self.client.base_url = random.choice(HOSTS)
        with self.client.request(method, path, name=name or path, allow_redirects=False,
                                 catch_response=True, **kwargs) as response:
            status = response.status_code
            if status == 0 or status is None:
                LEDGER["no_answer"].append(f"{method} {path}: {response.error}")
                response.failure(f"no answer: {response.error}")
                return None
            if status >= 500:
                LEDGER["server_errors"].append(f"{method} {path}: {status}")
                response.failure(f"server error {status}")
                return None
            if status not in expect:
                LEDGER["unexpected"].append(f"{method} {path}: {status}")
                response.failure(f"unexpected status {status}")
                return None
            response.success()
            return response

    def form_token(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def post_form(self, path: str, data: dict, *, expect=(302,), name: str | None = None):
        self.send("GET", path, expect=(200,), name=name)
        return self.send("POST", path, expect=expect, name=name,
                            data={**data, "csrfmiddlewaretoken": self.form_token()})


def activation_link(email: str, seconds: float = 15) -> str | None:
    """The path of the sign-up link e-mailed to ``email``, read from the server's e-mail
    files (LOADTEST_MAIL); it is sent off the request's path, so wait for it a little."""
    folder = Path(os.environ["LOADTEST_MAIL"])
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in folder.glob("*.log") if folder.exists() else ():
            for message in path.read_text(errors="replace").split("-" * 79):
                if f"To: {email}" in message and (found := ACTIVATION.search(message)):
                    return found.group(1)
        time.sleep(0.2)
    return None


def members(name_suffix: str) -> list[dict]:
    regions = PLAN["regions"]
    return [
        {"name": f"Cluster Nord-Vest {name_suffix}", "country": "RO", "region": regions["RO11"],
         "organisation_type": "cluster_organisation", "eccp_status": "registered",
         "is_coordinator": True},
        {"name": f"Cluster Norte {name_suffix}", "country": "PT", "region": regions["PT11"],
         "organisation_type": "cluster_organisation", "eccp_status": "requested"},
        {"name": f"Netzwerk Dresden {name_suffix}", "country": "DE", "region": regions["DED2"],
         "organisation_type": "business_network", "eccp_status": "registered"},
    ]


def consortium_form(project: dict, rows: list[dict], ids: list[str] = ()) -> dict:
    data = {name: str(value) for name, value in project.items()}
    data.update({"members-TOTAL_FORMS": str(len(rows)), "members-INITIAL_FORMS": str(len(ids)),
                 "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000"})
    for index, row in enumerate(rows):
        if index < len(ids):
            data[f"members-{index}-id"] = ids[index]
        for name, value in row.items():
            if name == "is_coordinator":
                if value:
                    data[f"members-{index}-{name}"] = "on"
            else:
                data[f"members-{index}-{name}"] = str(value)
    return data


class Applicant(Client):
    weight = 4
    wait_time = between(*PAUSE)

    def on_start(self) -> None:
        """Sign up, then confirm the account with the link the e-mail brings."""
        self.email = f"applicant-{uuid.uuid4().hex[:12]}@example.org"
        password = f"Load-{uuid.uuid4().hex}"
        signed_up = self.post_form("/accounts/signup/",
                                   {"email": self.email, "password1": password,
                                    "password2": password})
        if signed_up is None:
            return
        link = activation_link(self.email)
        if link is None:
            LEDGER["unexpected"].append(f"no sign-up e-mail for {self.email}")
            return
        self.post_form(link, {}, name="/accounts/activate/[uid]/[token]/")

    @task
    def apply(self) -> None:
        """Create, edit, check, submit, and read the report of one consortium."""
        suffix = uuid.uuid4().hex[:8]
        acronym = f"L{suffix}".upper()
        project = {"acronym": acronym, "title": f"Load test {suffix}", "duration_months": 24,
                   "start_date": PLAN["start_date"], "total_eligible_costs": "466666.67",
                   "requested_grant": "350000.00"}
        rows = members(suffix)
        created = self.post_form(f"/consortia/new/{PLAN['call']}/", consortium_form(project, rows),
                                 name="/consortia/new/[call]/")
        if created is None or not CONSORTIUM_PAGE.search(created.headers["Location"]):
            return
        pk = int(CONSORTIUM_PAGE.search(created.headers["Location"]).group(1))
        LEDGER["consortia"].append({"id": pk, "acronym": acronym, "owner": self.email})
        self.wait()

        edit_path = f"/consortia/{pk}/edit/"
        page = self.send("GET", edit_path, expect=(200,), name="/consortia/[id]/edit/")
        if page is None:
            return
        ids = [
            value
            for _index, value in sorted(MEMBER_ID.findall(page.text), key=lambda m: int(m[0]))
        ]
        edited = {**project, "title": f"Load test {suffix}, edited", "duration_months": 20}
        saved = self.send(
            "POST", edit_path, expect=(302,), name="/consortia/[id]/edit/",
            data={**consortium_form(edited, rows, ids), "csrfmiddlewaretoken": self.form_token()},
        )
        if saved is None:
            return
        LEDGER["edits"].append({"id": pk, "title": edited["title"]})
        self.wait()

        body = {"call": PLAN["call"],
                "project": {name: value for name, value in edited.items() if name != "title"},
                "members": [
                    {"name": row["name"], "country": row["country"],
                     "region": next(code for code, region in PLAN["regions"].items()
                                    if region == row["region"]),
                     "organisation_type": row["organisation_type"],
                     "eccp_status": row["eccp_status"],
                     "role": "coordinator" if row.get("is_coordinator") else "partner"}
                    for row in rows
                ]}
        checked = self.send("POST", "/api/v1/eligibility-checks", expect=(200,), json=body)
        if (checked is not None and checked.json()["verdict"] != "eligible"
                and time.time() < DEADLINE):
            LEDGER["unexpected"].append(f"API verdict {checked.json()['verdict']} for {acronym}")
        self.wait()

        submitted = self.send("POST", f"/consortia/{pk}/submit/", expect=(302,),
                                 name="/consortia/[id]/submit/",
                                 data={"csrfmiddlewaretoken": self.form_token()})
        if submitted is None:
            return
        report = SUBMISSION_REPORT.search(submitted.headers["Location"])
        if report is None:
            LEDGER["refused_submissions"].append({"consortium": pk, "at": time.time()})
            return
        LEDGER["submissions"].append({"id": int(report.group(2)), "consortium": pk,
                                      "acronym": acronym, "title": edited["title"],
                                      "at": time.time()})
        self.send("GET", submitted.headers["Location"], expect=(200,),
                     name="/consortia/[id]/submissions/[id]/")


class Reviewer(Client):
    weight = 1
    wait_time = between(*PAUSE)

    def on_start(self) -> None:
        self.email = next(REVIEWER_ACCOUNTS)
        self.post_form("/accounts/login/",
                       {"username": self.email, "password": PLAN["reviewer_password"]})

    @task(5)
    def review(self) -> None:
        queue = self.send("GET", "/reviews/", expect=(200,))
        if queue is None:
            return
        submissions = QUEUE_ROW.findall(queue.text)
        if not submissions:
            return
        submission = random.choice(submissions)
        path = f"/reviews/submissions/{submission}/"
        self.send("GET", path, expect=(200,), name="/reviews/submissions/[id]/")
        recorded = self.send("POST", path, expect=(302,), name="/reviews/submissions/[id]/",
                                data={"status": "confirmed_eligible", "comment": "",
                                      "csrfmiddlewaretoken": self.form_token()})
        if recorded is not None:
            LEDGER["reviews"].append({"submission": int(submission), "reviewer": self.email})

    @task(1)
    def export(self) -> None:
        self.send("GET", "/reviews/export.csv", expect=(200,))


def from_an_address_of_its_own(client: Client) -> None:
    client.client.headers["X-Forwarded-For"] = next(ADDRESSES)


class RushApplicant(Applicant):
    """An applicant who signed up earlier, in the rush before the deadline."""

    def on_start(self) -> None:
        from_an_address_of_its_own(self)
        self.email = next(APPLICANT_ACCOUNTS, None)
        if self.email is None:
            LEDGER["unexpected"].append("more rush applicants than prepared accounts")
            return
        self.post_form("/accounts/login/",
                       {"username": self.email, "password": PLAN["applicant_password"]})


class RushReviewer(Reviewer):
    """A contact point reading the queue during the rush, from an address of its own."""

    def on_start(self) -> None:
        from_an_address_of_its_own(self)
        super().on_start()
