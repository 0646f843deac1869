"""A unit's staff at work, for Locust (bench/load.py runs it headless against gunicorn on PostgreSQL).

Each simulated user is one account of the plan (bench/load_plan.py): four therapists for a manager in each
unit, each waiting 5 to 20 s between actions. Therapists open the Today page, the residents board, stay
pages and journals, write journal notes and enter assessments (PIR-GAS) through the real forms (CSRF token
included); managers open the Today page, the board, stay pages and their unit's facility-year dashboard.

    BENCH_LOAD_PLAN=plan.json locust -f bench/locustfile.py --headless -u 100 -r 5 -t 5m --host http://…

Requests go as nginx forwards them (`X-Forwarded-Proto: https`), the session cookie sent by hand: the
production profile marks cookies Secure, which an HTTP client does not send back on its own.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from html_form import form_fields  # noqa: E402 - bench/ beside this file

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text(encoding="utf-8"))
_ACCOUNTS = {role: itertools.cycle([a for a in PLAN["accounts"] if a["role"] == role])
             for role in ("therapist", "manager")}
DASHBOARD_YEAR = os.environ.get("BENCH_DASHBOARD_YEAR", "2025")

# The page names of the report: record pages (target p95 ≤ 300 ms) and the dashboard (≤ 800 ms).
DASHBOARD = "dashboard (facility-year)"


class Staff(HttpUser):
    abstract = True
    wait_time = between(5, 20)
    role = ""

    def on_start(self):
        self.account = next(_ACCOUNTS[self.role])
        self.cookies = {"sessionid": self.account["session"]}

    # ------------------------------------------------------------ requests as a browser behind nginx

    def _headers(self, referer: str | None = None) -> dict:
        headers = {"X-Forwarded-Proto": "https", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if referer:
            headers["Referer"] = f"https://{self.host.split('://', 1)[1].rstrip('/')}{referer}"
        return headers

    def _keep(self, response) -> None:
        for header in response.raw.headers.getlist("Set-Cookie") if response.raw is not None else ():
            found = re.match(r"\s*(csrftoken|sessionid)=([^;]*)", header)
            if found and found.group(2):
                self.cookies[found.group(1)] = found.group(2)

    def get(self, url: str, name: str):
        with self.client.get(url, name=name, headers=self._headers(), allow_redirects=False,
                             catch_response=True) as response:
            self._keep(response)
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
            return response

    def submit(self, url: str, name: str, values: dict) -> None:
        """Open the form, then post it with its initial values and `values`: the answer is a redirect."""
        page = self.get(url, f"{name} (form)")
        if page.status_code != 200:
            return
        data = {**form_fields(page.text), **values}
        with self.client.post(url, data=data, name=f"{name} (POST)", headers=self._headers(referer=url),
                              allow_redirects=False, catch_response=True) as response:
            self._keep(response)
            if response.status_code != 302:
                problems = re.findall(r'class="invalid-feedback[^"]*"[^>]*>\s*<strong>([^<]+)', response.text)
                response.failure(f"{response.status_code}: {'; '.join(problems)[:200]}")

    def stay(self) -> int:
        return random.choice(self.account["stays"])

    # ------------------------------------------------------------ what everyone opens

    @task(3)
    def today(self):
        self.get("/", "today (/)")

    @task(2)
    def board(self):
        self.get(f"/admissions/board/?facility={self.account['facility']}", "residents board")

    @task(4)
    def stay_page(self):
        self.get(f"/admissions/stays/{self.stay()}/", "stay page")


class Therapist(Staff):
    weight = 4
    role = "therapist"

    @task(2)
    def journal(self):
        self.get(f"/journal/stays/{self.stay()}/", "stay journal")

    @task(2)
    def write_note(self):
        self.submit(f"/journal/stays/{self.stay()}/new/", "journal note",
                    {"kind": "observation", "confidentiality": "team",
                     "text": "Observation du banc de charge : repas calme, bon contact visuel."})

    @task(1)
    def enter_assessment(self):
        self.submit(f"/assessments/stays/{self.stay()}/new/pirgas/", "assessment entry",
                    {"s_score": str(random.randint(41, 90)), "notes": ""})

    @task(1)
    def chronology(self):
        self.get(f"/journal/stays/{self.stay()}/chronology/", "stay chronology")


class Manager(Staff):
    weight = 1
    role = "manager"

    @task(3)
    def dashboard(self):
        self.get(f"/dashboards/?facility={self.account['facility']}&year={DASHBOARD_YEAR}", DASHBOARD)
