"""The points where an app built on admissions adds to its pages (through unit.registry), so that
admissions never imports it. Each name says what a contribution is called with and returns."""

# (user, *, stay_id=None, family_id=None) -> the open alerts on that stay or family the user may read
# (assessments: an EPDS self-harm answer), shown on the stay and family pages.
OPEN_ALERTS = "admissions.open_alerts"

# () -> a django.db.models.Prefetch of a reverse relation of Stay whose rows join the stay's timeline
# (assessments: its assessments of the stay, `stay.assessments`).
STAY_PREFETCH = "admissions.stay_prefetch"

# (user, *, stay) -> [(label, url)]: the stay page's links to pages of the apps built on admissions
# (journal: the stay's journal, chronology and care plan).
STAY_LINKS = "admissions.stay_links"

# (user, *, family) -> [(label, url)]: the family page's links (journal: the family's journal).
FAMILY_LINKS = "admissions.family_links"
