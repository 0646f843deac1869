"""The points where an app built on documents adds to the end of a dossier's life (through unit.registry), so
that documents never imports it. Each name says what a contribution is called with and returns."""

# (family) -> [(model, queryset of the dossier's records, fields_of)]: the app's records of the dossier (entered
# in error or not) and, for a record, the {field: value} its anonymisation writes (free texts removed, codes
# and dates kept); their history rows get the same values (journal: the notes' texts).
ANONYMISE_RECORDS = "documents.anonymise_records"

# (family) -> the last date the app recorded something about the dossier, or None (journal: its last note):
# the retention clock starts at the latest of all.
LAST_CONTACT = "documents.last_contact"
