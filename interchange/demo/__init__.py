"""Demo data: one organisation, three facilities and years of plausible families, built through the services.

`plans` holds the facilities and the populations they draw from, `build` the entry point, `families` one
family's dossier and stays, `scores` their assessments; `context` is the state of one build.
"""

from interchange.demo.build import build_demo
from interchange.demo.plans import DEMO_PASSWORD, DEMO_SCOPED_USERS, DEMO_USERS, FACILITY_PLANS

__all__ = ["DEMO_PASSWORD", "DEMO_SCOPED_USERS", "DEMO_USERS", "FACILITY_PLANS", "build_demo"]
