"""The points where an app built on admissions adds to its pages (through unit.registry), so that
admissions never imports it. Each name says what a contribution is called with and returns."""

# (user, *, stay_id=None, family_id=None) -> the open alerts on that stay or family the user may read
# (assessments: an EPDS self-harm answer), shown on the stay and family pages.
OPEN_ALERTS = "admissions.open_alerts"

# () -> a django.db.models.Prefetch of a reverse relation of Stay whose rows join the stay's timeline
# (assessments: its assessments of the stay, `stay.assessments`).
STAY_PREFETCH = "admissions.stay_prefetch"

# (request, *, family) -> HTML of a section of the family page, already rendered and scoped to the user
# (documents: the family's papers and consents). A constant number of queries each.
FAMILY_SECTIONS = "admissions.family_sections"

# (request, *, stay) -> HTML of a section of the stay page (documents: the papers of the stay).
STAY_SECTIONS = "admissions.stay_sections"

# (stay) -> events joining the stay's timeline, from rows prefetched through STAY_PREFETCH (no query):
# dicts with "date", "kind", "label" and "url" (documents: a paper of the stay, on its date).
STAY_EVENTS = "admissions.stay_events"

# (*, family, facility, on) -> None, or why the dossier may not reach `facility` (a request or a stay there
# while no live record of it is held there yet): documents refuses without the `network_sharing` consent.
SHARING_CHECKS = "admissions.sharing_checks"

# (user, *, stay) -> [(label, url)]: the stay page's links to pages of the apps built on admissions
# (journal: the stay's journal, chronology and care plan).
STAY_LINKS = "admissions.stay_links"

# (user, *, family) -> [(label, url)]: the family page's links (journal: the family's journal).
FAMILY_LINKS = "admissions.family_links"
