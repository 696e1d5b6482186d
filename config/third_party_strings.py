"""English strings from viewflow's templates that Django's own catalogs do not translate.

viewflow ships no Swedish catalog. Listing its strings here lets `make messages` keep
their Swedish translations in locale/sv; nothing imports this module.
"""

from django.utils.translation import gettext_noop

VIEWFLOW_STRINGS = [
    gettext_noop("Applications"),
    gettext_noop("Back"),
    gettext_noop("Cancel"),
    gettext_noop("Edit"),
    gettext_noop("Filter"),
    gettext_noop("Login"),
    gettext_noop("Logout"),
    gettext_noop("Pick an action"),
    gettext_noop("Profile"),
    gettext_noop("Reset"),
    gettext_noop("Reset password"),
    gettext_noop("Submit"),
    gettext_noop("Viewflow Demo suite"),
]
