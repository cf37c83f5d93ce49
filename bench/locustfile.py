"""Locust scenario for `make bench` (bench/run.py starts it headless): each simulated user
is a distinct signed-in scale learner who browses the learner pages with 1–3 s of think
time between clicks.

Why think time: the target is "20 concurrent *users*" (people with a page open, reading),
not 20 connections that fire the next request the instant the last one returns (that is a
saturation test, which wrk still gives as a secondary figure). Without think time, 20
closed-loop clients on two cores measure queueing (Little's law), not page speed.

BENCH_LOCUST_USERS points at a JSON file: a list of {"cookie", "dashboard", "catalogue", "course", "lesson", "quiz", "profile"}.
"""

from __future__ import annotations

import itertools
import json
import os

from locust import HttpUser, between, task

_PROFILES = json.loads(open(os.environ["BENCH_LOCUST_USERS"]).read())  # noqa: SIM115
_NEXT = itertools.count()


class Learner(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        profile = _PROFILES[next(_NEXT) % len(_PROFILES)]
        name, value = profile["cookie"].split("=", 1)
        self.client.cookies.set(name, value)
        self.profile = profile

    def _get(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")

    @task(3)
    def dashboard(self) -> None:
        self._get(self.profile["dashboard"], "dashboard")

    @task(2)
    def catalogue(self) -> None:
        self._get(self.profile["catalogue"], "catalogue")

    @task(3)
    def course(self) -> None:
        self._get(self.profile["course"], "course page")

    @task(4)
    def lesson(self) -> None:
        self._get(self.profile["lesson"], "lesson page")

    @task(1)
    def quiz(self) -> None:
        self._get(self.profile["quiz"], "quiz page")

    @task(1)
    def profile_page(self) -> None:
        self._get(self.profile["profile"], "competency profile")
